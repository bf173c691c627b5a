import FlyingFox
import Foundation

/// Tells every open page what happened to the build: `{"type": "reload"}` after a good rebuild, or
/// `{"type": "errors", "errors": [...]}` while the source is broken.
actor LiveReload {
    private var clients: [UUID: AsyncStream<WSMessage>.Continuation] = [:]

    func connect() -> AsyncStream<WSMessage> {
        let id = UUID()
        let (stream, continuation) = AsyncStream<WSMessage>.makeStream()
        continuation.onTermination = { _ in Task { await self.disconnect(id) } }
        clients[id] = continuation
        return stream
    }

    private func disconnect(_ id: UUID) { clients[id] = nil }

    func broadcast(_ event: [String: Any]) {
        guard let data = try? JSONSerialization.data(withJSONObject: event, options: [.sortedKeys]) else { return }
        let text = String(decoding: data, as: UTF8.self)
        for continuation in clients.values { continuation.yield(.text(text)) }
    }

    var connectedClients: Int { clients.count }
}

/// The WebSocket end of live reload: the server only talks; what the page sends is ignored.
struct LiveReloadSocket: WSMessageHandler {
    let reload: LiveReload

    func makeMessages(for client: AsyncStream<WSMessage>) async throws -> AsyncStream<WSMessage> {
        let outgoing = await reload.connect()
        Task { for await _ in client {} }
        return outgoing
    }
}

/// Injected into every served HTML page (never into `public/`): reconnects to the socket, reloads on a good
/// build, and shows an overlay with `path:line` errors while the build is broken.
let liveReloadScript = #"""
(function () {
  'use strict';
  var overlay = null;
  function showErrors(errors) {
    if (!overlay) {
      overlay = document.createElement('div');
      overlay.id = 'gage-build-errors';
      overlay.setAttribute('role', 'alert');
      overlay.style.cssText = 'position:fixed;inset:0;z-index:2147483647;background:rgba(20,20,24,.94);color:#ffd9d9;' +
        'font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,monospace;padding:2rem;overflow:auto;white-space:pre-wrap';
      document.body.appendChild(overlay);
    }
    overlay.textContent = '';
    var title = document.createElement('strong');
    title.style.cssText = 'display:block;color:#fff;font-size:16px;margin-bottom:1rem';
    title.textContent = 'gage: the last edit does not build (still serving the last good build)';
    overlay.appendChild(title);
    errors.forEach(function (line) {
      var row = document.createElement('div');
      row.textContent = line;
      row.style.marginBottom = '.5rem';
      overlay.appendChild(row);
    });
  }
  function clearErrors() { if (overlay) { overlay.remove(); overlay = null; } }
  function handle(event) {
    if (event.type === 'reload') { location.reload(); }
    else if (event.type === 'errors') { showErrors(event.errors); }
  }
  function connect() {
    var socket = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/__gage/live');
    socket.onmessage = function (message) { try { handle(JSON.parse(message.data)); } catch (e) {} };
    socket.onclose = function () { setTimeout(connect, 1000); };
  }
  fetch('/__gage/status').then(function (r) { return r.json(); }).then(function (status) {
    if (status.errors && status.errors.length) showErrors(status.errors); else clearErrors();
  }).catch(function () {});
  connect();
})();
"""#
