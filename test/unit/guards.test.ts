// The run-time tests around a statement (src/core/source/guards.ts), on hand-written C.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { guardNames } from '../../src/core/source/guards';
import { codeOnly } from '../../src/core/source/lexer';

/** The guard names at the `@` of a snippet. */
function at(snippet: string): string[] {
  const pos = snippet.indexOf('@');
  return guardNames(codeOnly(snippet.replace('@', ' ')), pos);
}

describe('guards: the conditions of the ifs around a statement', () => {
  it('a braced then-branch, nested, innermost first', () => {
    assert.deepEqual(at('void f(void) { if (a & A) { if (b) { @w(X, 1); } } }'), ['b', 'a', 'A']);
  });
  it('a brace-less then-branch', () => {
    assert.deepEqual(at('void f(void) {\n\tif (ctrl.clr & CPU_VINTD)\n\t\t@vmcs_write(CPU_EXEC_CTRL1, CPU_VINTD);\n}'), ['ctrl', 'clr', 'CPU_VINTD']);
  });
  it('else branches and the statement after an if are not guarded', () => {
    assert.deepEqual(at('void f(void) { if (A) { x(); } else { @w(); } }'), []);
    assert.deepEqual(at('void f(void) { if (A) x(); else @w(); }'), []);
    assert.deepEqual(at('void f(void) { if (A) x(); @w(); }'), []);
    assert.deepEqual(at('void f(void) { if (A) { x(); } @w(); }'), []);
  });
  it('loops pass the conditions around them on; a function body ends the search', () => {
    assert.deepEqual(at('void f(void) { if (A) { for (i = 0; i < n; i++) { @w(); } } }'), ['A']);
    assert.deepEqual(at('int g(void) { if (A) return 1; }\nvoid f(void) { @w(); }'), []);
  });
  it('comments and strings in a condition are no names', () => {
    assert.deepEqual(at('void f(void) { if (a /* CPU_EPT */ && s("CPU_VPID")) { @w(); } }'), ['a', 's']);
  });
});
