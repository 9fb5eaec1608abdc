/*
 * Chatgate seller chat widget (AH Chat protocol over a plain WebSocket). No build step: load it with a <script> tag
 * from the Chatgate server and call
 *   ChatgateSellerChat({ element: '#chat', sellerId: 2 })          a client: asks for a name, keeps its token
 *   ChatgateSellerChat({ element: '#chat', id: 2, token: '…' })     the seller: every chat, one open at a time
 * Everything users wrote is put in the page with textContent, never as HTML.
 */
(function () {
  'use strict';

  var scriptOrigin = document.currentScript ? new URL(document.currentScript.src).origin : location.origin;
  var REFUSED = {
    TEXT_IS_REQUIRED: 'the message is empty',
    CHAT_NOT_FOUND: 'this chat is unknown to the server',
    CHAT_ID_IS_REQUIRED: 'no chat is open',
    DATE_IS_REQUIRED: 'the widget sent no date',
    INTERNAL_ERROR: 'the server could not store it',
  };
  var BACKOFF_MS = [1000, 2000, 4000, 8000, 15000, 30000];

  function ChatgateSellerChat(options) {
    var root = typeof options.element === 'string' ? document.querySelector(options.element) : options.element;
    if (!root) throw new Error('ChatgateSellerChat: options.element matches nothing');
    var seller = options.id !== undefined;
    if (seller ? !options.token : !options.sellerId) {
      throw new Error('ChatgateSellerChat: give {id, token} for a seller or {sellerId} for a client');
    }
    var base = (options.url ? new URL(options.url.replace(/^ws/, 'http')).origin : scriptOrigin).replace(/\/+$/, '');
    var ui = build(root, base, options.stylesheet !== false, seller);
    var handlers = {};
    // chats by id: {id, chatter, online (true/false/null = not told yet), messages: [], lastRead, failed: []}
    var chats = {};
    var openId = null;
    var ws = null;
    var wsUrl = options.url || null;
    var maxFrameBytes = 16384;
    var attempt = 0;
    var retryTimer = null;
    var stopped = false;
    var lastClientDate = 0;
    var pending = {}; // by clientDate: the message shown as "sending…" until the server acks or refuses it
    var sellerTakesOffline = false; // a client's seller stores messages while away (offlineMessages in the auth reply)
    var storageKey = 'chatgate-seller-chat:' + base + ':' + options.sellerId;
    // Per chat id, the messages held and the `since` a reconnect sends for it (transcript.js, docs/recovery.md).
    var transcripts = {};

    function emit(event, payload) {
      (handlers[event] || []).forEach(function (handler) {
        handler(payload);
      });
    }

    // A seller's token is given; a client's is the one the server handed out, kept across page loads.
    var token = seller ? options.token : options.token || readStored();
    var myName = null;

    function readStored() {
      try {
        return localStorage.getItem(storageKey);
      } catch (error) {
        return null; // storage blocked (a third-party context): one session per page load
      }
    }

    function storeToken(value) {
      token = value;
      try {
        if (value) localStorage.setItem(storageKey, value);
        else localStorage.removeItem(storageKey);
      } catch (error) {
        /* nothing to keep it in */
      }
    }

    function setState(text) {
      ui.state.textContent = text;
    }

    function fail(text) {
      ui.error.textContent = text;
    }

    function start(authData) {
      clearTimeout(retryTimer);
      ws = new WebSocket(wsUrl);
      var socket = ws;
      setState('Connecting…');
      socket.onopen = function () {
        socket.send(JSON.stringify({ command: 'auth', data: authData() }));
      };
      socket.onmessage = function (event) {
        if (socket !== ws) return;
        var frame;
        try {
          frame = JSON.parse(event.data);
        } catch (error) {
          return;
        }
        if (frame.error) refused(frame);
        else received(frame);
      };
      socket.onclose = function (event) {
        if (socket !== ws) return;
        ws = null;
        Object.keys(transcripts).forEach(function (id) {
          transcripts[id].dropped();
        });
        Object.keys(pending).forEach(function (clientDate) {
          // 1009: the server closes on a frame over its limit.
          markFailed(pending[clientDate], event.code === 1009 ? 'the message is too long' : 'the connection was lost');
        });
        pending = {};
        if (stopped) return;
        var delay = BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)];
        attempt += 1;
        setState('Disconnected: reconnecting in ' + Math.round(delay / 1000) + ' s…');
        retryTimer = setTimeout(function () {
          start(authData);
        }, delay);
      };
    }

    function stop(text) {
      stopped = true;
      clearTimeout(retryTimer);
      if (ws) ws.close(1000);
      ws = null;
      setState(text);
    }

    function refused(frame) {
      emit('error', frame);
      if (frame.command === 'auth') {
        if (seller) {
          // The seller's own token is wrong: retrying cannot help, so say so and stop.
          stop('Not signed in');
          fail('The seller sign-in was refused (' + frame.error + '): check the seller id and token.');
        } else if (frame.error === 'USER_NOT_FOUND') {
          storeToken(null);
          stop('Signed out');
          askName('Your earlier chat is gone: enter your name to start a new one.');
        } else {
          stop('Not connected');
          fail('The chat could not start (' + frame.error + ').');
        }
        return;
      }
      if (frame.command === 'message' && frame.data) {
        var item = pending[frame.data.clientDate];
        delete pending[frame.data.clientDate];
        var chat = chats[frame.data.chatId];
        var reason =
          frame.error === 'USER_IS_NOT_ONLINE'
            ? (chat ? chat.chatter : 'the other side') + ' is offline'
            : REFUSED[frame.error] || frame.error;
        if (item) markFailed(item, reason);
        else fail('Not delivered: ' + reason + '.');
      }
    }

    function received(frame) {
      var data = frame.data || {};
      if (frame.command === 'auth') {
        attempt = 0;
        fail('');
        if (data.token) storeToken(data.token);
        if (data.name) myName = data.name;
        sellerTakesOffline = data.offlineMessages === true;
        authed(data);
      } else if (frame.command === 'chat') {
        if (!chats[data.id]) chats[data.id] = newChat(data.id, data.chatter, []);
        renderList();
      } else if (frame.command === 'status') {
        if (chats[data.chatId]) chats[data.chatId].online = data.status;
        renderList();
        renderHeader();
      } else if (frame.command === 'message') {
        gotMessage(data);
      } else if (frame.command === 'read') {
        // This tab's mark, or one another tab of the seller set.
        var read = chats[data.chatId];
        if (read) read.lastRead = Math.max(read.lastRead, data.id);
        renderList();
      }
      emit(frame.command, data);
    }

    function newChat(id, chatter, messages) {
      return { id: String(id), chatter: chatter, online: null, messages: messages, lastRead: 0, failed: [] };
    }

    // A chat named in the auth's `since` carries what was missed (`recovered` says whether all of it): merged into
    // what is held. Any other chat carries its newest messages, which replace what was held, as they always did.
    function authed(data) {
      var previous = chats;
      var missing = false;
      chats = {};
      Object.keys(data.chats).forEach(function (id) {
        var given = data.chats[id];
        var caughtUp = given.recovered !== undefined && previous[id];
        if (given.recovered === false) missing = true;
        var transcript = caughtUp ? transcriptOf(id) : (transcripts[id] = new window.ChatgateTranscript());
        var messages = caughtUp ? previous[id].messages : [];
        given.messages.forEach(function (m) {
          if (transcript.add(m.id)) messages.push(m);
        });
        messages.sort(function (a, b) {
          return a.id - b.id;
        });
        var chat = newChat(id, given.chatter, messages);
        chat.lastRead = given.lastRead || 0;
        var before = previous[id];
        if (before) {
          chat.online = before.online;
          chat.lastRead = Math.max(chat.lastRead, before.lastRead);
          // Refused messages were never stored; ones lost with the connection may have been.
          chat.failed = before.failed.filter(function (item) {
            var text = item.querySelector('.cg-text').textContent;
            return !chat.messages.some(function (m) {
              return m.my && m.text === text;
            });
          });
        }
        chats[id] = chat;
      });
      ui.gap.hidden = !missing;
      var ids = Object.keys(chats);
      if (!seller) openId = ids[0] || null;
      else if (openId && !chats[openId]) openId = null;
      if (openId) markRead(chats[openId]);
      setState((seller ? 'Signed in as ' : 'Chatting as ') + myName);
      ui.prompt.hidden = true;
      renderList();
      renderChat();
    }

    function gotMessage(data) {
      var chat = chats[data.chatId];
      if (!chat) return;
      var item = data.clientDate !== undefined ? pending[data.clientDate] : null;
      if (item) delete pending[data.clientDate];
      if (!transcriptOf(chat.id).add(data.id)) return;
      chat.messages.push({ id: data.id, text: data.text, date: data.date, my: data.my });
      if (String(chat.id) === String(openId)) markRead(chat);
      if (item && item.parentNode) item.parentNode.removeChild(item);
      renderList();
      if (String(chat.id) === String(openId)) appendMessage(chat.messages[chat.messages.length - 1]);
    }

    function transcriptOf(chatId) {
      return transcripts[chatId] || (transcripts[chatId] = new window.ChatgateTranscript());
    }

    // What a reconnect holds of each chat: only chats with a settled id are named (docs/recovery.md).
    function sinceOf() {
      var since = null;
      Object.keys(transcripts).forEach(function (id) {
        if (transcripts[id].since === null || !chats[id]) return;
        since = since || {};
        since[id] = transcripts[id].since;
      });
      return since;
    }

    // The seller's console tells the server (and so its other tabs) how far it has read; a client has no mark.
    function markRead(chat) {
      var newest = chat.messages.reduce(function (id, m) {
        return Math.max(id, m.id);
      }, 0);
      if (newest <= chat.lastRead) return;
      chat.lastRead = newest;
      if (seller && ws && ws.readyState === WebSocket.OPEN) {
        ws.send(JSON.stringify({ command: 'read', data: { chatId: chat.id, id: newest } }));
      }
    }

    // As the server counts: the client's messages after the read mark and after the seller's own last answer.
    function unread(chat) {
      var answered = chat.messages.reduce(function (id, m) {
        return m.my ? Math.max(id, m.id) : id;
      }, 0);
      return chat.messages.filter(function (m) {
        return !m.my && m.id > chat.lastRead && m.id > answered;
      }).length;
    }

    function renderList() {
      if (!seller) return;
      var ids = Object.keys(chats).sort(function (a, b) {
        return a - b;
      });
      ui.list.textContent = '';
      ui.listTitle.textContent = 'Chats (' + ids.length + ')';
      ids.forEach(function (id) {
        var chat = chats[id];
        var item = el('li', 'cg-chat' + (id === String(openId) ? ' cg-open' : ''));
        item.dataset.chatId = id;
        var button = el('button', 'cg-chat-button');
        button.type = 'button';
        button.appendChild(dot(chat.online));
        button.appendChild(el('span', 'cg-chatter', chat.chatter));
        var count = unread(chat);
        if (count) button.appendChild(el('span', 'cg-unread', String(count)));
        button.addEventListener('click', function () {
          openId = id;
          markRead(chat);
          renderList();
          renderChat();
          ui.input.focus();
        });
        item.appendChild(button);
        ui.list.appendChild(item);
      });
    }

    function renderHeader() {
      var chat = openId && chats[openId];
      ui.chatHead.textContent = '';
      if (!chat) {
        ui.chatHead.textContent = seller ? 'Pick a chat' : '';
        return;
      }
      ui.chatHead.appendChild(dot(chat.online));
      ui.chatHead.appendChild(el('span', 'cg-chatter', chat.chatter));
      ui.chatHead.appendChild(el('span', 'cg-presence', presenceText(chat.online)));
    }

    function presenceText(online) {
      if (online === null) return '';
      if (online) return 'online';
      return !seller && sellerTakesOffline ? 'away: leave a message, it will be read later' : 'offline';
    }

    function renderChat() {
      var chat = openId && chats[openId];
      renderHeader();
      ui.log.textContent = '';
      ui.form.hidden = !chat;
      if (!chat) return;
      chat.messages.forEach(appendMessage);
      chat.failed.forEach(function (item) {
        ui.log.appendChild(item);
      });
    }

    function appendMessage(message) {
      var line = el('li', 'cg-line cg-msg ' + (message.my ? 'cg-mine' : 'cg-theirs'));
      line.dataset.id = String(message.id);
      line.appendChild(el('span', 'cg-text', message.text));
      line.appendChild(el('time', 'cg-time', clock(message.date * 1000)));
      ui.log.appendChild(line);
      ui.log.scrollTop = ui.log.scrollHeight;
    }

    function markFailed(item, reason) {
      item.classList.remove('cg-pending');
      item.classList.add('cg-failed');
      item.querySelector('.cg-reason').textContent = 'Not delivered: ' + reason + '.';
      var chat = chats[item.dataset.chatId];
      if (chat && chat.failed.indexOf(item) < 0) chat.failed.push(item);
    }

    function send(text) {
      var chat = openId && chats[openId];
      if (!chat || !text.trim()) return;
      // Unique per send, so each ack finds its own message even within one second.
      var clientDate = Math.max(Math.floor(Date.now() / 1000), lastClientDate + 1);
      lastClientDate = clientDate;
      var frame = JSON.stringify({
        command: 'message',
        data: { id: 0, text: text, date: 0, clientDate: clientDate, chatId: chat.id, my: false },
      });
      var item = el('li', 'cg-line cg-msg cg-mine cg-pending');
      item.dataset.chatId = chat.id;
      item.appendChild(el('span', 'cg-text', text));
      item.appendChild(el('span', 'cg-reason', 'sending…'));
      ui.log.appendChild(item);
      ui.log.scrollTop = ui.log.scrollHeight;
      var bytes = new TextEncoder().encode(frame).length;
      if (bytes > maxFrameBytes) {
        markFailed(
          item,
          'the message is too long (' + bytes + ' bytes with its envelope, at most ' + maxFrameBytes + ')'
        );
      } else if (!ws || ws.readyState !== WebSocket.OPEN) {
        markFailed(item, 'not connected');
      } else {
        pending[clientDate] = item;
        ws.send(frame);
      }
    }

    function askName(text) {
      ui.prompt.hidden = false;
      ui.promptText.textContent = text;
      ui.form.hidden = true;
    }

    ui.form.addEventListener('submit', function (event) {
      event.preventDefault();
      send(ui.input.value);
      ui.input.value = '';
      ui.input.focus();
    });
    ui.prompt.addEventListener('submit', function (event) {
      event.preventDefault();
      var name = ui.nameInput.value.trim();
      if (!name) return;
      stopped = false;
      myName = name;
      begin({ name: name, sellerId: options.sellerId });
    });

    function begin(first) {
      // The first auth may carry a name; every reconnect after it uses the token the server gave.
      start(function () {
        if (!token) return first;
        var data = seller ? { id: options.id, token: token } : { token: token, sellerId: options.sellerId };
        var since = sinceOf();
        if (since) data.since = since;
        return data;
      });
    }

    ui.form.hidden = true;
    Promise.all([fetchConfig(base), loadScript(base + '/widgets/transcript.js')]).then(function (loaded) {
      var settings = loaded[0];
      if (settings) maxFrameBytes = settings.sellerMaxFrameBytes || maxFrameBytes;
      if (!wsUrl) wsUrl = base.replace(/^http/, 'ws') + ((settings && settings.sellerWsPath) || '/seller');
      if (token) begin(null);
      else askName('Enter your name to chat with the seller.');
    });

    return {
      on: function (event, handler) {
        (handlers[event] = handlers[event] || []).push(handler);
        return this;
      },
      send: send,
      destroy: function () {
        stop('');
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

  // A script of this server's, loaded once per page.
  var scriptLoads = {};
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

  function build(root, base, withStylesheet, seller) {
    if (withStylesheet) addStylesheet(base + '/widgets/widgets.css');
    root.textContent = '';
    var box = el('div', 'cg-box cg-seller-chat ' + (seller ? 'cg-seller-mode' : 'cg-client-mode'));
    var head = el('div', 'cg-head');
    head.appendChild(el('span', 'cg-title', seller ? 'Seller console' : 'Chat with the seller'));
    var ui = { state: el('span', 'cg-state') };
    head.appendChild(ui.state);
    box.appendChild(head);

    ui.prompt = el('form', 'cg-prompt');
    ui.prompt.hidden = true;
    ui.promptText = el('p', 'cg-prompt-text');
    ui.nameInput = el('input', 'cg-name-input');
    ui.nameInput.setAttribute('aria-label', 'Your name');
    ui.nameInput.placeholder = 'Your name';
    var startButton = el('button', 'cg-button', 'Start chat');
    startButton.type = 'submit';
    [ui.promptText, ui.nameInput, startButton].forEach(function (node) {
      ui.prompt.appendChild(node);
    });
    box.appendChild(ui.prompt);

    var body = el('div', 'cg-body');
    if (seller) {
      var side = el('aside', 'cg-side');
      ui.listTitle = el('h4', 'cg-list-title', 'Chats (0)');
      ui.list = el('ul', 'cg-chats');
      side.appendChild(ui.listTitle);
      side.appendChild(ui.list);
      body.appendChild(side);
    }
    var main = el('div', 'cg-main');
    ui.chatHead = el('div', 'cg-chat-head');
    ui.log = el('ol', 'cg-log');
    ui.form = el('form', 'cg-send');
    ui.input = el('input', 'cg-input');
    ui.input.setAttribute('aria-label', 'Message');
    ui.input.placeholder = 'Write a message';
    var sendButton = el('button', 'cg-button', 'Send');
    sendButton.type = 'submit';
    ui.form.appendChild(ui.input);
    ui.form.appendChild(sendButton);
    [ui.chatHead, ui.log, ui.form].forEach(function (node) {
      main.appendChild(node);
    });
    body.appendChild(main);
    box.appendChild(body);
    ui.error = el('div', 'cg-error');
    box.appendChild(ui.error);
    // Shown when a reconnect could not get back every message a chat missed (`recovered: false`).
    ui.gap = el('div', 'cg-gap', 'Some messages may be missing. ');
    ui.gap.hidden = true;
    var reload = el('button', 'cg-reload', 'Reload');
    reload.type = 'button';
    reload.addEventListener('click', function () {
      location.reload();
    });
    ui.gap.appendChild(reload);
    box.insertBefore(ui.gap, body);
    root.appendChild(box);
    return ui;
  }

  function dot(online) {
    var node = el('span', 'cg-dot ' + (online === null ? 'cg-unknown' : online ? 'cg-online' : 'cg-offline'));
    node.title = online === null ? 'status not known yet' : online ? 'online' : 'offline';
    return node;
  }

  function clock(ms) {
    return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
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

  window.ChatgateSellerChat = ChatgateSellerChat;
})();
