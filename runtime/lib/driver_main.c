/*===- driver_main.c - main of executables made by kiln-compile ----------===*/

#include "kiln/driver.h"

extern const kiln_module_info kiln_module_table;

int main(int argc, char **argv) {
  return kiln_driver_main(argc, argv, &kiln_module_table);
}
