// Placeholder until the policy engine lands.
namespace declass::policies {}
