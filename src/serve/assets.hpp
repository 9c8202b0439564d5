// Stage serve, assets: the files the server may send besides the API, compiled into the
// binary (cmake/EmbedViewer.cmake from the viewer's vite build in web/, or the fallback
// page when built without it), so `spineload serve` needs no network and no installed files.
#pragma once
#include <span>
#include <string>
#include <string_view>

namespace spineload::serve {

struct Asset {
  const char* path;  // URL path, "/index.html", "/assets/index.js"
  const char* content_type;
  std::string_view bytes;
};

// Every embedded asset, sorted by path.
std::span<const Asset> embedded_assets();
// True when the assets are the viewer page; false for the API-only fallback page.
bool viewer_built();
// The asset at a URL path ("/" is the index), or null: nothing else is ever served.
const Asset* find_asset(const std::string& path);

}  // namespace spineload::serve
