// Stage serve, HTTP: `spineload serve` — cpp-httplib (Debian's libcpp-httplib) serving the
// JSON API (serve/api.hpp) and the page's assets, which are compiled into the binary so the
// server needs no network and can serve nothing but them.
#pragma once
#include <memory>
#include <string>
#include <string_view>

namespace spineload::serve {

struct ServerOptions {
  std::string host = "127.0.0.1";  // loopback unless asked otherwise
  int port = 8080;                 // 0: any free port
  int threads = 16;                // connections served at once
  // A connection may spend this long reading one request (headers and body) or waiting for
  // the next; then it is closed. Slow or idle clients thus hold a worker for at most this;
  // it is longer than the 5 s an idle kept-alive connection is kept, so a browser's connection
  // is closed by httplib's own keep-alive rule (which browsers expect) and not cut under it.
  int read_deadline_ms = 10000;
};

class Server {
 public:
  explicit Server(ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds (throws std::runtime_error naming host and port when it cannot); returns the port.
  int bind();
  // Serves until stop() (from another thread or a signal handler's thread).
  void listen();
  void stop();
  std::string url() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace spineload::serve
