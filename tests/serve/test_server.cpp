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
    ASSERT_TRUE(r) << p;
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
