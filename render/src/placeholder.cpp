// Placeholder until the renderers land.
namespace declass::render {}
