//! Links the addon the way Node-API needs (napi-rs).

fn main() {
    napi_build::setup();
}
