// The HTTP server over loopback: API through HTTP, assets, and nothing outside them.
#include "serve/server.hpp"

#include "serve/assets.hpp"

#include <gtest/gtest.h>
#include <httplib.h>

#include <thread>

namespace spineload::serve {
namespace {

TEST(Server, ServesTheApiAndItsAssetsOnlyOnLoopback) {
  ServerOptions o;
  o.port = 0;
  Server server(o);
  const int port = server.bind();
  std::thread t([&] { server.listen(); });
  httplib::Client c("127.0.0.1", port);
  c.set_connection_timeout(5);
  auto health = c.Get("/api/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(health->get_header_value("Content-Type"), "application/json");
  auto index = c.Get("/");
  ASSERT_TRUE(index);
  EXPECT_EQ(index->status, 200);
  EXPECT_NE(index->body.find("not a diagnosis"), std::string::npos);
  EXPECT_EQ(index->get_header_value("Content-Type"), "text/html; charset=utf-8");
  // Every embedded asset is served with its type; the page's script is among them.
  for (const Asset& a : embedded_assets()) {
    auto r = c.Get(a.path);
    ASSERT_TRUE(r) << a.path;
    EXPECT_EQ(r->status, 200) << a.path;
    EXPECT_EQ(r->get_header_value("Content-Type"), a.content_type) << a.path;
    EXPECT_EQ(r->body.size(), a.bytes.size()) << a.path;
  }
  if (viewer_built()) {
    EXPECT_NE(index->body.find("./assets/index.js"), std::string::npos);
    ASSERT_NE(find_asset("/assets/index.js"), nullptr);
    EXPECT_STREQ(find_asset("/assets/index.js")->content_type, "text/javascript; charset=utf-8");
  }
  // No path reaches the file system.
  for (const char* p : {"/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/etc/passwd", "/index.html/..", "/CMakeLists.txt"}) {
    auto r = c.Get(p);
    ASSERT_TRUE(r) << p << " " << httplib::to_string(r.error());
    EXPECT_EQ(r->status, 404) << p;
    EXPECT_EQ(r->body.find("root:"), std::string::npos);
  }
  auto bad = c.Post("/api/analyze", "{\"task\": 1}", "application/json");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  auto big = c.Post("/api/analyze", std::string(200 * 1024, 'x'), "application/json");
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 413);
  // Still serving after all that.
  auto again = c.Get("/api/health");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200);
  server.stop();
  t.join();
}

TEST(Server, AnAddressItCannotListenOnIsAClearError) {
  ServerOptions o;
  o.host = "192.0.2.1";  // TEST-NET-1: not an address of this machine
  o.port = 0;
  Server server(o);
  try {
    server.bind();
    ADD_FAILURE() << "expected the address to be refused";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("192.0.2.1"), std::string::npos);
  }
}

}  // namespace
}  // namespace spineload::serve

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>

namespace spineload::serve {
namespace {

// A client that opens a connection and drips one byte of a request line at a time.
int drip_connect(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) return -1;
  return fd;
}

TEST(Server, SlowClientsAreCutAtTheDeadlineAndCannotStarveOthers) {
  ServerOptions o;
  o.port = 0;
  o.read_deadline_ms = 1000;
  Server server(o);
  const int port = server.bind();
  std::thread t([&] { server.listen(); });
  // Four clients drip a header byte every 200 ms, as a slow-loris would.
  std::vector<int> slow;
  for (int i = 0; i < 4; ++i) slow.push_back(drip_connect(port));
  std::atomic<bool> stop{false};
  std::vector<int> cut_after_ms(slow.size(), -1);
  std::thread dripper([&] {
    const auto t0 = std::chrono::steady_clock::now();
    const std::string line = "GET /api/health HTTP/1.1\r\nHost: x\r\nX-Slow: ";
    for (std::size_t k = 0; !stop; ++k) {
      for (std::size_t i = 0; i < slow.size(); ++i) {
        if (cut_after_ms[i] >= 0) continue;
        const char c = k < line.size() ? line[k] : 'a';
        if (send(slow[i], &c, 1, MSG_NOSIGNAL) != 1)
          cut_after_ms[i] = static_cast<int>(
              std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count());
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  });
  // Meanwhile an ordinary client is answered: a liveness check, with a generous limit.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  httplib::Client c("127.0.0.1", port);
  c.set_connection_timeout(5);
  c.set_read_timeout(5);
  for (int i = 0; i < 3; ++i) {
    auto r = c.Get("/api/health");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
  }
  // Every dripping connection is closed by the server once its request overruns the
  // deadline (a send fails once the peer has shut the connection down).
  std::this_thread::sleep_for(std::chrono::milliseconds(3500));
  stop = true;
  dripper.join();
  for (std::size_t i = 0; i < slow.size(); ++i) {
    EXPECT_GE(cut_after_ms[i], 0) << "slow client " << i << " was never cut";
    close(slow[i]);
  }
  server.stop();
  t.join();
}

}  // namespace
}  // namespace spineload::serve
