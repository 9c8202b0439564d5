#include "serve/server.hpp"

#include <fmt/format.h>
#include <httplib.h>

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "serve/api.hpp"
#include "serve/assets.hpp"

namespace spineload::serve {

const Asset* find_asset(const std::string& path) {
  const std::string wanted = path == "/" ? "/index.html" : path;
  for (const Asset& a : embedded_assets())
    if (wanted == a.path) return &a;
  return nullptr;
}

struct Server::Impl {
  ServerOptions options;
  httplib::Server http;
  int port = -1;
};

Server::Server(ServerOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  httplib::Server& s = impl_->http;
  const int threads = std::max(1, impl_->options.threads);
  s.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<std::size_t>(threads)); };
  s.set_payload_max_length(kMaxRequestBytes);  // larger bodies: 413 before they are read
  s.set_read_timeout(5, 0);
  s.set_write_timeout(30, 0);
  s.set_keep_alive_max_count(100);
  s.set_tcp_nodelay(true);  // else delayed ACKs add 40 ms to every kept-alive reply (measured)
  auto api = [](const httplib::Request& req, httplib::Response& res) {
    const ApiResponse r = handle_api(req.method, req.path, req.body);
    res.status = r.status;
    res.set_content(r.body, "application/json");
  };
  s.Get(R"(/api/.*)", api);
  s.Post(R"(/api/.*)", api);
  s.Put(R"(/api/.*)", api);
  s.Delete(R"(/api/.*)", api);
  s.Get(R"(/.*)", [](const httplib::Request& req, httplib::Response& res) {
    if (const Asset* a = find_asset(req.path)) {
      res.set_content(std::string(a->bytes), a->content_type);
      res.set_header("Cache-Control", "no-cache");
    } else {
      res.status = 404;
      res.set_content(R"({"error":"not found","field":"path"})", "application/json");
    }
  });
  s.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
    std::string what = "internal error";
    try {
      if (ep) std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    res.status = 500;
    res.set_content(nlohmann::json{{"error", what}, {"field", ""}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                    "application/json");
  });
  s.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (res.body.empty())
      res.set_content(fmt::format(R"({{"error":"HTTP {}","field":"request"}})", res.status), "application/json");
  });
  // Every response says what it is, and the page may not be framed elsewhere.
  s.set_default_headers({{"X-Content-Type-Options", "nosniff"}, {"X-Frame-Options", "DENY"}});
}

Server::~Server() { stop(); }

int Server::bind() {
  Impl& m = *impl_;
  if (m.options.port == 0) {
    m.port = m.http.bind_to_any_port(m.options.host.c_str());
  } else if (m.http.bind_to_port(m.options.host.c_str(), m.options.port)) {
    m.port = m.options.port;
  }
  if (m.port <= 0)
    throw std::runtime_error(fmt::format("cannot listen on {}:{} (in use, or not an address of this machine)",
                                         m.options.host, m.options.port));
  return m.port;
}

void Server::listen() {
  if (impl_->port <= 0) bind();
  impl_->http.listen_after_bind();
}

void Server::stop() {
  if (impl_ && impl_->http.is_running()) impl_->http.stop();
}

std::string Server::url() const { return fmt::format("http://{}:{}", impl_->options.host, impl_->port); }

}  // namespace spineload::serve
