// Compiled into every executable of a QGEMV_SANITIZE build (CMakeLists.txt): dlclose leaves the
// library loaded. LeakSanitizer finds leaks by scanning, among others, the globals of the libraries
// loaded at exit; the Vulkan loader dlcloses lavapipe (with LLVM) and the validation layer, and
// vk::raii::Context the loader, so whatever their globals still pointed to looked leaked, with stacks
// of "<unknown module>". Kept loaded, they are scanned like any other library, and a real leak inside
// one is reported with the library's name.
extern "C" int dlclose(void*) { return 0; }
