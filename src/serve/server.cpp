#include "serve/server.hpp"

#include <fmt/format.h>
#include <httplib.h>

#include <dirent.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <netinet/in.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

#include "serve/api.hpp"
#include "serve/assets.hpp"

namespace spineload::serve {

const Asset* find_asset(const std::string& path) {
  const std::string wanted = path == "/" ? "/index.html" : path;
  for (const Asset& a : embedded_assets())
    if (wanted == a.path) return &a;
  return nullptr;
}

namespace {

using Clock = std::chrono::steady_clock;

// cpp-httplib times out each read, not a request: a client that sends a header byte every
// second holds a worker for as long as it likes, and four of them starved every other client
// (issue 14). This queue runs httplib's connections on its own workers, and a watchdog
// shuts down any connection that has spent longer than the read deadline reading a request
// (from its opening, or from its previous response, so an idle kept-alive connection counts
// too). Work on a request that has been read is not cut: the analyses are bounded by the
// API's own limits. httplib hands the queue only a closure, so the queue finds the newly
// accepted socket itself: the one connected socket on the server's port it has not seen
// (by inode, so a reused descriptor number is still told apart), kept as a duplicate
// descriptor it can shut down safely whatever httplib has done with its own.
class DeadlineQueue : public httplib::TaskQueue {
 public:
  struct Connection {
    int fd = -1;                 // our duplicate of the accepted socket
    ino_t inode = 0;
    Clock::time_point phase_start;
    bool reading = true;         // reading a request (or idle between requests)
  };

  DeadlineQueue(int workers, int port, std::chrono::milliseconds read_deadline)
      : port_(port), read_deadline_(read_deadline) {
    for (int i = 0; i < workers; ++i) workers_.emplace_back([this] { work(); });
    watchdog_ = std::thread([this] { watch(); });
  }
  ~DeadlineQueue() override { shutdown(); }

  void enqueue(std::function<void()> fn) override {
    auto c = std::make_shared<Connection>();
    adopt_new_socket(*c);
    std::lock_guard<std::mutex> lock(mutex_);
    c->phase_start = Clock::now();
    if (c->fd >= 0) live_.insert(c);
    tasks_.push_back({std::move(fn), c});
    ready_.notify_one();
  }

  void shutdown() override {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (stopping_) return;
      stopping_ = true;
    }
    ready_.notify_all();
    tick_.notify_all();
    for (auto& t : workers_) t.join();
    if (watchdog_.joinable()) watchdog_.join();
  }

  // The connection the calling worker is serving (nullptr outside a worker).
  static std::shared_ptr<Connection>& current() {
    thread_local std::shared_ptr<Connection> c;
    return c;
  }
  void mark(bool reading) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (auto& c = current()) {
      c->reading = reading;
      c->phase_start = Clock::now();
    }
  }

 private:
  struct Task {
    std::function<void()> fn;
    std::shared_ptr<Connection> connection;
  };

  // The accepted socket httplib is about to hand over: connected, on our port, not yet known.
  void adopt_new_socket(Connection& c) {
    DIR* dir = opendir("/proc/self/fd");
    if (!dir) return;
    std::set<ino_t> known;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      for (const auto& k : live_) known.insert(k->inode);
    }
    while (const dirent* e = readdir(dir)) {
      const int fd = std::atoi(e->d_name);
      if (fd <= 2 || fd == dirfd(dir)) continue;
      struct stat st {};
      if (fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode) || known.count(st.st_ino)) continue;
      sockaddr_storage local{}, peer{};
      socklen_t n = sizeof(local), m = sizeof(peer);
      if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &n) != 0) continue;
      if (getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &m) != 0) continue;  // the listening socket
      const int local_port = local.ss_family == AF_INET    ? ntohs(reinterpret_cast<sockaddr_in*>(&local)->sin_port)
                             : local.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&local)->sin6_port)
                                                           : -1;
      if (local_port != port_) continue;  // a client socket of this process
      c.fd = dup(fd);
      c.inode = st.st_ino;
      break;
    }
    closedir(dir);
  }

  void work() {
    for (;;) {
      Task t;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        ready_.wait(lock, [&] { return stopping_ || !tasks_.empty(); });
        if (tasks_.empty()) return;
        t = std::move(tasks_.front());
        tasks_.pop_front();
      }
      current() = t.connection;
      t.fn();
      current().reset();
      std::lock_guard<std::mutex> lock(mutex_);
      live_.erase(t.connection);
      if (t.connection->fd >= 0) close(t.connection->fd);
    }
  }

  void watch() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stopping_) {
      tick_.wait_for(lock, std::chrono::milliseconds(100));
      const auto now = Clock::now();
      for (const auto& c : live_)
        if (c->reading && now - c->phase_start > read_deadline_) {
          ::shutdown(c->fd, SHUT_RDWR);  // httplib's read fails; it closes the connection
          c->phase_start = now + std::chrono::hours(1);
        }
    }
  }

  int port_;
  std::chrono::milliseconds read_deadline_;
  std::mutex mutex_;
  std::condition_variable ready_;  // workers: a task is queued
  std::condition_variable tick_;   // the watchdog: stop
  std::deque<Task> tasks_;
  std::set<std::shared_ptr<Connection>> live_;
  std::vector<std::thread> workers_;
  std::thread watchdog_;
  bool stopping_ = false;
};

}  // namespace

struct Server::Impl {
  ServerOptions options;
  httplib::Server http;
  int port = -1;
  DeadlineQueue* queue = nullptr;  // owned by httplib while it listens
};

Server::Server(ServerOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  httplib::Server& s = impl_->http;
  const int threads = std::max(1, impl_->options.threads);
  Impl* impl = impl_.get();
  s.new_task_queue = [impl, threads] {
    impl->queue = new DeadlineQueue(threads, impl->port, std::chrono::milliseconds(impl->options.read_deadline_ms));
    return impl->queue;
  };
  // A request has been read: its work is not on the clock. Its response is out: the next
  // request (or the idle wait for one) is.
  s.set_pre_routing_handler([impl](const httplib::Request&, httplib::Response&) {
    if (impl->queue) impl->queue->mark(false);
    return httplib::Server::HandlerResponse::Unhandled;
  });
  s.set_logger([impl](const httplib::Request&, const httplib::Response&) {
    if (impl->queue) impl->queue->mark(true);
  });
  s.set_payload_max_length(kMaxRequestBytes);  // larger bodies: 413 before they are read
  s.set_read_timeout(5, 0);
  s.set_write_timeout(30, 0);
  // One request per connection ("Connection: close"). A kept-alive connection is closed by
  // the server when idle (httplib's timeout, or the watchdog's deadline), and a browser
  // reusing it at that moment loses its request (net::ERR_EMPTY_RESPONSE, seen in the
  // viewer's test on a loaded machine); a new local connection per request costs far less
  // than any analysis behind it, and no idle connection holds a worker.
  s.set_keep_alive_max_count(1);
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
