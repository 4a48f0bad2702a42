// Arbitrary bytes, and valid text cut off by binary junk, give a parse error
// (not a crash).
// RUN: %python -c "import sys; sys.stdout.buffer.write(bytes(range(256)) * 3)" > %t.all
// RUN: not kiln-opt %t.all 2>&1 | FileCheck %s --check-prefix=ALL
// ALL: error: unexpected character

// RUN: %python -c "import sys; sys.stdout.buffer.write(b'func.func @f(%%x: tensor<2xf32>) {\n  %%0 = kiln.neg %%x : tensor<2x' + bytes(range(255, 0, -1)))" > %t.cut
// RUN: not kiln-opt %t.cut 2>&1 | FileCheck %s --check-prefix=CUT
// CUT: 2:31: error: unexpected character

// RUN: %python -c "import sys; sys.stdout.buffer.write(b'func.func @f() {\n  %%0 = kiln.constant dense<\"\xff\xfe\"> : tensor<2xi8>\n  return\n}\n')" > %t.str
// RUN: not kiln-opt %t.str 2>&1 | FileCheck %s --check-prefix=STR
// STR: 2:{{[0-9]+}}: error: expected string containing hex digits starting with `0x`
