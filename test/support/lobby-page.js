// A lobby widget for the browser tests: it drives the global `io` of whichever socket.io-client generation the page
// loaded (1.x bundles only offer the global) and records every lobby event, for the test to read through Playwright.
window.lobby = (function () {
  var EVENTS = [
    'new_message',
    'user_joined',
    'user_left',
    'user_muted',
    'user_unmuted',
    'message_deleted',
    'system_message',
    'client_error',
  ];
  var socket;
  var received = [];

  return {
    received: received,

    connect: function (url, options, timeoutMs) {
      socket = io(url, options);
      EVENTS.forEach(function (event) {
        socket.on(event, function (payload) {
          received.push([event, payload]);
        });
      });
      return new Promise(function (resolve, reject) {
        // A client that cannot read its handshake may never say so: with reconnection on, it just starts over.
        var timer = setTimeout(function () {
          reject(new Error('no connect within ' + timeoutMs + ' ms'));
        }, timeoutMs);
        socket.on('connect', function () {
          clearTimeout(timer);
          resolve();
        });
        socket.on('connect_error', function (error) {
          clearTimeout(timer);
          reject(new Error('connect_error: ' + error));
        });
      });
    },

    /** Emits with an ack and resolves with the ack's arguments. */
    emit: function (event, payload) {
      return new Promise(function (resolve) {
        socket.emit(event, payload, function () {
          resolve(Array.prototype.slice.call(arguments));
        });
      });
    },

    /** Emits with an ack the server never calls (a refused message): the ack is recorded as an event if it is. */
    emitUnanswered: function (event, payload) {
      socket.emit(event, payload, function () {
        received.push(['ack', Array.prototype.slice.call(arguments)]);
      });
    },

    transport: function () {
      return socket.io.engine.transport.name;
    },

    close: function () {
      socket.close();
    },
  };
})();
