/*
 * Chatgate widgets' record of the messages a reader holds in one lobby or chat, loaded by lobby.js and
 * seller-chat.js (docs/recovery.md). It shows each message once however often auth replies repeat it, and says
 * which `since` a reconnect should send.
 *
 * Why `since` is not simply the highest id held: on PostgreSQL the commits of several instances end in any order,
 * so a message can become visible a moment after one with a higher id. A reader that dropped in that moment and
 * asked only for ids above the highest would never get it. So `since` is the highest id received at least SETTLE_MS
 * before the connection dropped; what came after it is asked for again, and `add` drops those repeats.
 */
(function (root) {
  'use strict';

  var SETTLE_MS = 500;

  function Transcript(now) {
    this.now = now || Date.now;
    this.ids = {};
    this.recent = []; // [receivedAt, id] of messages not yet SETTLE_MS old
    this.since = null;
  }

  /** Records a message by id; false when it was held already (show it only on true). */
  Transcript.prototype.add = function (id) {
    if (this.ids[id]) return false;
    this.ids[id] = true;
    var now = this.now();
    this.recent.push([now, id]);
    this.settle(now);
    return true;
  };

  Transcript.prototype.has = function (id) {
    return Boolean(this.ids[id]);
  };

  /** The connection dropped: `since` stays what it is now until new messages arrive on the next connection. */
  Transcript.prototype.dropped = function () {
    this.settle(this.now());
    this.recent = [];
  };

  Transcript.prototype.settle = function (now) {
    while (this.recent.length && this.recent[0][0] <= now - SETTLE_MS) {
      var id = this.recent.shift()[1];
      if (this.since === null || id > this.since) this.since = id;
    }
  };

  root.ChatgateTranscript = Transcript;
})(typeof window !== 'undefined' ? window : globalThis);
