/* The demo page: mounts the three widgets with the credentials demo mode created (GET /demo/config.json). */
(function () {
  'use strict';
  var select = document.getElementById('lobby-user');

  fetch('/demo/config.json')
    .then(function (response) {
      if (!response.ok) throw new Error('the demo is off on this server (' + response.status + ')');
      return response.json();
    })
    .then(start, function (error) {
      document.getElementById('demo-error').textContent = 'Demo not available: ' + error.message;
    });

  function start(demo) {
    demo.lobby.users.forEach(function (user) {
      var option = document.createElement('option');
      option.value = user.uname;
      option.textContent = user.uname + (user.role === 'member' ? '' : ' (' + user.role + ')');
      select.appendChild(option);
    });
    // ?as=<uname> picks the lobby user, so two windows can be two people.
    var wanted = new URLSearchParams(location.search).get('as');
    if (wanted) select.value = wanted;

    var lobby = null;
    function mountLobby() {
      if (lobby) lobby.destroy();
      var user = demo.lobby.users.filter(function (candidate) {
        return candidate.uname === select.value;
      })[0];
      lobby = ChatgateLobby({ element: '#lobby', appId: demo.lobby.appId, hashedToken: user && user.hashedToken });
    }
    select.addEventListener('change', mountLobby);
    mountLobby();

    ChatgateSellerChat({ element: '#client', sellerId: demo.seller.id });
    ChatgateSellerChat({ element: '#seller', id: demo.seller.id, token: demo.seller.token });
  }
})();
