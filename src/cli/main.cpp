#include "cli/app.hpp"

int main(int argc, char** argv) { return qgemv::cli::run_app(argc, argv); }
