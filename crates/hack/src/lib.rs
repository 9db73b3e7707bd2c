//! indsats-hack: no code. Its dependencies' features are the point (see its Cargo.toml): the app
//! and the CLI depend on it so that their own builds share the test build's dependencies.
