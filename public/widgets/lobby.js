/*
 * Chatgate lobby widget (Moneypot chat-server protocol over socket.io). No build step: load it with a <script> tag
 * from the Chatgate server and call
 *   ChatgateLobby({ element: '#chat', appId: 1, hashedToken: '<optional>' })
 * Everything users wrote is put in the page with textContent, never as HTML.
 */
(function () {
  'use strict';

  // Where this file came from is the Chatgate server, unless the page says otherwise (options.url).
  var scriptOrigin = document.currentScript ? new URL(document.currentScript.src).origin : location.origin;
  var STAFF = ['owner', 'admin', 'mod'];
  var SEND_ERRORS = {
    USER_REQUIRED: 'Sign in to write: readers without a user cannot post.',
    INTERNAL_ERROR: 'The server could not store the message; try again.',
  };
  // Slow-mode changes reach the lobby as system_message texts (docs/moderation.md); the widget reads them to show it.
  var SLOW_ON = /^Slow mode is on: one message every (\d+) s$/;
  var SLOW_WAIT = /^Slow mode is on: wait (\d+) s$/;
  var scriptLoads = {};

  function ChatgateLobby(options) {
    var root = typeof options.element === 'string' ? document.querySelector(options.element) : options.element;
    if (!root) throw new Error('ChatgateLobby: options.element matches nothing');
    if (typeof options.appId !== 'number') throw new Error('ChatgateLobby: options.appId must be a number');
    var base = (options.url || scriptOrigin).replace(/\/+$/, '');
    var ui = build(root, base, options.stylesheet !== false);
    var handlers = {};
    var state = {
      me: null,
      users: {},
      mutes: {},
      max: options.maxLength || null,
      pending: null,
      slowMode: 0,
    };
    var socket = null;
    var destroyed = false;
    var muteTimer = null;
    // The messages shown, and the `since` a reconnect sends (transcript.js); made once it has loaded.
    var transcript = null;

    function emit(event, payload) {
      (handlers[event] || []).forEach(function (handler) {
        handler(payload);
      });
    }

    function setState(text) {
      ui.state.textContent = text;
    }

    function logLine(kind, text) {
      var line = el('li', 'cg-line cg-' + kind, text);
      ui.log.appendChild(line);
      ui.log.scrollTop = ui.log.scrollHeight;
    }

    function showMessage(message) {
      // Reconnecting replays the history (or what was missed): a message already shown stays shown once.
      if (!transcript.add(message.id)) return;
      var line = el('li', 'cg-line cg-msg');
      line.dataset.id = String(message.id);
      line.appendChild(el('span', 'cg-author', message.user.uname));
      if (STAFF.indexOf(message.user.role) >= 0) line.appendChild(badge(message.user.role));
      line.appendChild(el('span', 'cg-text', message.text));
      if (isStaff(state.me)) line.appendChild(deleteControl(message.id));
      ui.log.appendChild(line);
      ui.log.scrollTop = ui.log.scrollHeight;
    }

    function deleteControl(id) {
      var button = el('button', 'cg-delete', '×');
      button.type = 'button';
      button.title = 'Delete for everyone';
      button.setAttribute('aria-label', 'Delete message ' + id);
      button.addEventListener('click', function () {
        if (socket) socket.emit('new_message', '/delete ' + id);
      });
      return button;
    }

    function removeMessage(id) {
      var line = ui.log.querySelector('.cg-msg[data-id="' + Number(id) + '"]');
      if (line) line.parentNode.removeChild(line);
    }

    function renderSlowMode() {
      ui.slow.textContent = state.slowMode
        ? 'Slow mode: one message every ' + state.slowMode + ' s' + (isStaff(state.me) ? ' (staff exempt)' : '')
        : '';
    }

    function activeMutes() {
      var now = Date.now();
      return Object.keys(state.mutes)
        .map(function (key) {
          return state.mutes[key];
        })
        .filter(function (mute) {
          return Date.parse(mute.expires_at) > now;
        });
    }

    function renderPeople() {
      var mutes = activeMutes();
      var muted = {};
      mutes.forEach(function (mute) {
        muted[mute.uname.toLowerCase()] = true;
      });
      var names = Object.keys(state.users).sort();
      ui.usersTitle.textContent = 'Here now (' + names.length + ')';
      ui.users.textContent = '';
      names.forEach(function (uname) {
        var user = state.users[uname];
        var item = el('li', 'cg-user');
        item.appendChild(el('span', 'cg-name', user.uname));
        if (STAFF.indexOf(user.role) >= 0) item.appendChild(badge(user.role));
        if (muted[user.uname.toLowerCase()]) item.appendChild(el('span', 'cg-tag', 'muted'));
        ui.users.appendChild(item);
      });
      ui.mutesTitle.textContent = 'Muted (' + mutes.length + ')';
      ui.mutes.textContent = '';
      mutes.forEach(function (mute) {
        ui.mutes.appendChild(el('li', 'cg-mute', mute.uname + ' until ' + clock(mute.expires_at)));
      });
      renderSendBox(muted);
      // Mutes end without a broadcast: redraw when the next one expires.
      clearTimeout(muteTimer);
      if (mutes.length) {
        var next = Math.min.apply(
          null,
          mutes.map(function (mute) {
            return Date.parse(mute.expires_at);
          })
        );
        muteTimer = setTimeout(renderPeople, Math.max(0, next - Date.now()) + 50);
      }
    }

    function renderSendBox(muted) {
      var me = state.me;
      ui.input.disabled = !me;
      ui.button.disabled = !me;
      ui.input.placeholder = me ? 'Message as ' + me.uname : 'Reading anonymously: no user to write as';
      var mute = me && muted[me.uname.toLowerCase()] && !isStaff(me) ? state.mutes[me.uname.toLowerCase()] : null;
      ui.notice.textContent = mute
        ? 'You are muted until ' + clock(mute.expires_at) + ': messages you send are refused.'
        : '';
      updateCount();
    }

    function length(text) {
      return Array.from(text.trim()).length; // code points, as the server counts
    }

    function updateCount() {
      var n = length(ui.input.value);
      ui.count.textContent = state.max ? n + '/' + state.max : String(n);
      ui.count.classList.toggle('cg-over', Boolean(state.max && n > state.max));
    }

    function send(text) {
      text = text.trim();
      if (!text || !socket || !state.me) return;
      if (state.max && length(text) > state.max) {
        ui.error.textContent = 'Not sent: ' + length(text) + ' characters, at most ' + state.max + ' allowed.';
        return;
      }
      ui.error.textContent = '';
      state.pending = text;
      socket.emit('new_message', text, function (error) {
        if (error) {
          ui.error.textContent = SEND_ERRORS[error] || 'Not sent (' + error + ').';
          emit('send_error', error);
        } else if (ui.input.value.trim() === text) {
          ui.input.value = '';
          updateCount();
        }
        state.pending = null;
      });
    }

    function joined(data) {
      state.me = data.user || null;
      state.users = data.room.users;
      state.mutes = data.room.muteList;
      state.slowMode = data.room.slowMode || 0;
      data.room.history.forEach(showMessage);
      // Only with `since` (docs/recovery.md): messages deleted while away, and whether any were too many to resend.
      (data.room.deleted || []).forEach(removeMessage);
      if (data.room.recovered === false) ui.gap.hidden = false;
      renderSlowMode();
      setState(state.me ? 'Signed in as ' + state.me.uname : 'Reading anonymously');
      renderPeople();
      emit('ready', data);
    }

    function connect(io) {
      if (destroyed) return;
      socket = io(base, { forceNew: true });
      // Registered once: socket.io reconnects this same socket, and each 'connect' authenticates again.
      socket.on('connect', function () {
        setState('Joining…');
        var payload = { app_id: options.appId };
        if (options.hashedToken) payload.hashed_token = options.hashedToken;
        // A reconnect asks for what it missed rather than the newest history (docs/recovery.md).
        if (transcript.since !== null) payload.since = transcript.since;
        socket.emit('auth', payload, function (error, data) {
          if (error) {
            logLine('error', 'Could not join the lobby (' + error + '); retrying.');
            // auth is answered once per socket: only a new connection can try again.
            setTimeout(function () {
              if (!destroyed) socket.disconnect().connect();
            }, 3000);
            return;
          }
          joined(data);
        });
      });
      socket.on('disconnect', function (reason) {
        transcript.dropped();
        state.users = {};
        renderPeople();
        setState('Disconnected: reconnecting…');
        // socket.io retries by itself unless the server closed the socket (it does so to a client that floods it).
        if (reason === 'io server disconnect') {
          setTimeout(function () {
            if (!destroyed) socket.connect();
          }, 3000);
        }
        emit('disconnect', reason);
      });
      socket.on('new_message', function (message) {
        showMessage(message);
        emit('message', message);
      });
      socket.on('message_deleted', function (data) {
        removeMessage(data.id);
        emit('message_deleted', data);
      });
      socket.on('user_joined', function (user) {
        state.users[user.uname] = user;
        renderPeople();
        emit('user_joined', user);
      });
      socket.on('user_left', function (user) {
        delete state.users[user.uname];
        renderPeople();
        emit('user_left', user);
      });
      socket.on('user_muted', function (mute) {
        state.mutes[mute.uname.toLowerCase()] = mute;
        logLine('event', mute.uname + ' was muted for ' + mute.mins + ' minutes');
        renderPeople();
        emit('user_muted', mute);
      });
      socket.on('user_unmuted', function (data) {
        delete state.mutes[data.uname.toLowerCase()];
        logLine('event', data.uname + ' was unmuted');
        renderPeople();
        emit('user_unmuted', data);
      });
      socket.on('system_message', function (text) {
        logLine('system', text);
        var slow = SLOW_ON.exec(text);
        if (slow || text === 'Slow mode is off') {
          state.slowMode = slow ? Number(slow[1]) : 0;
          renderSlowMode();
        }
        // Held back by slow mode: what was typed stays, with the wait beside it.
        var wait = SLOW_WAIT.exec(text);
        if (wait) ui.error.textContent = 'Slow mode: wait ' + wait[1] + ' s before your next message.';
        // A command is answered here and never acked: it is done, so the box is cleared for the next one.
        if (state.pending && state.pending.charAt(0) === '/' && ui.input.value.trim() === state.pending) {
          ui.input.value = '';
          updateCount();
        }
        state.pending = null;
        emit('system_message', text);
      });
      socket.on('client_error', function (text) {
        logLine('error', text);
        state.pending = null;
        emit('client_error', text);
      });
    }

    ui.form.addEventListener('submit', function (event) {
      event.preventDefault();
      send(ui.input.value);
      ui.input.focus();
    });
    ui.input.addEventListener('input', updateCount);
    setState('Connecting…');
    renderPeople();

    var config = state.max ? Promise.resolve(null) : fetchConfig(base);
    config
      .then(function (settings) {
        if (settings && settings.lobbyMessageMax) state.max = settings.lobbyMessageMax;
        updateCount();
        return Promise.all([loadIo(base, options.io), loadScript(base + '/widgets/transcript.js')]);
      })
      .then(
        function (loaded) {
          transcript = new window.ChatgateTranscript();
          connect(loaded[0]);
        },
        function (error) {
          logLine('error', error.message);
          setState('Not connected');
        }
      );

    return {
      on: function (event, handler) {
        (handlers[event] = handlers[event] || []).push(handler);
        return this;
      },
      send: send,
      destroy: function () {
        destroyed = true;
        clearTimeout(muteTimer);
        if (socket) socket.disconnect();
        root.textContent = '';
      },
    };
  }

  function fetchConfig(base) {
    return fetch(base + '/widgets/config.json').then(
      function (response) {
        return response.ok ? response.json() : null;
      },
      function () {
        return null;
      }
    );
  }

  // The socket.io client this server serves, loaded once per page unless the page brings its own.
  function loadIo(base, given) {
    if (given) return Promise.resolve(given);
    return loadScript(base + '/socket.io/socket.io.js').then(function () {
      return window.io;
    });
  }

  // A script of this server's, loaded once per page.
  function loadScript(src) {
    if (!scriptLoads[src]) {
      scriptLoads[src] = new Promise(function (resolve, reject) {
        var script = document.createElement('script');
        script.src = src;
        script.onload = resolve;
        script.onerror = function () {
          reject(new Error('Could not load ' + src));
        };
        document.head.appendChild(script);
      });
    }
    return scriptLoads[src];
  }

  function build(root, base, withStylesheet) {
    if (withStylesheet) addStylesheet(base + '/widgets/widgets.css');
    root.textContent = '';
    var box = el('div', 'cg-box cg-lobby');
    var head = el('div', 'cg-head');
    head.appendChild(el('span', 'cg-title', 'Lobby'));
    var ui = { state: el('span', 'cg-state'), slow: el('span', 'cg-slow') };
    head.appendChild(ui.slow);
    head.appendChild(ui.state);
    var body = el('div', 'cg-body');
    ui.log = el('ol', 'cg-log');
    var side = el('aside', 'cg-side');
    ui.usersTitle = el('h4', 'cg-users-title');
    ui.users = el('ul', 'cg-users');
    ui.mutesTitle = el('h4', 'cg-mutes-title');
    ui.mutes = el('ul', 'cg-mutes');
    [ui.usersTitle, ui.users, ui.mutesTitle, ui.mutes].forEach(function (node) {
      side.appendChild(node);
    });
    body.appendChild(ui.log);
    body.appendChild(side);
    ui.form = el('form', 'cg-send');
    ui.input = el('input', 'cg-input');
    ui.input.type = 'text';
    ui.input.setAttribute('aria-label', 'Message');
    ui.count = el('span', 'cg-count');
    ui.button = el('button', 'cg-button', 'Send');
    ui.button.type = 'submit';
    [ui.input, ui.count, ui.button].forEach(function (node) {
      ui.form.appendChild(node);
    });
    ui.notice = el('div', 'cg-notice');
    ui.error = el('div', 'cg-error');
    ui.gap = gapNotice();
    [head, ui.gap, body, ui.form, ui.notice, ui.error].forEach(function (node) {
      box.appendChild(node);
    });
    root.appendChild(box);
    return ui;
  }

  // Shown when a reconnect could not get back every message it missed (`recovered: false`, docs/recovery.md).
  function gapNotice() {
    var gap = el('div', 'cg-gap', 'Some messages may be missing. ');
    gap.hidden = true;
    var reload = el('button', 'cg-reload', 'Reload');
    reload.type = 'button';
    reload.addEventListener('click', function () {
      location.reload();
    });
    gap.appendChild(reload);
    return gap;
  }

  function isStaff(user) {
    return Boolean(user) && STAFF.indexOf(user.role) >= 0;
  }

  function badge(role) {
    return el('span', 'cg-badge cg-role-' + role, role);
  }

  function clock(iso) {
    return new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function addStylesheet(href) {
    if (document.querySelector('link[href="' + href + '"]')) return;
    var link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = href;
    document.head.appendChild(link);
  }

  window.ChatgateLobby = ChatgateLobby;
})();
