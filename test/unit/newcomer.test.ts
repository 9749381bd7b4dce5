// What a first run shows: quick-pick rows without repeated names, short source names for the status bar and hovers.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { catalogue } from '../../src/core/catalogue/catalogue';
import { fieldPickRow } from '../../src/core/render/text';
import { sourceLine } from '../../src/core/render/markdown';
import { sourceName, sourceStatus } from '../../src/core/render/source-name';

describe('Look Up Field rows', () => {
  const cat = catalogue();
  it('show no name twice in a row, whatever scheme labels it', () => {
    const failures: string[] = [];
    for (const record of cat.records) {
      for (const label of [record.name, ...Object.values(record.aliases).flat()]) {
        const names = fieldPickRow(record, cat, label).description.split('  ').slice(1);
        if (new Set(names).size !== names.length || names.includes(label)) failures.push(`${record.hex} labelled ${label}: ${names.join(' | ')}`);
      }
    }
    assert.deepEqual(failures.slice(0, 5), []);
  });
  it('Guest CR0 lists VMCS_GUEST_CR0 and GUEST_CR0 once each, with the schemes that use them', () => {
    const row = fieldPickRow(cat.find('GUEST_CR0')!, cat, 'Guest CR0');
    const names = row.description.split('  ');
    assert.equal(names[0], '0x6800');
    assert.equal(names.filter((n) => n === 'VMCS_GUEST_CR0').length, 1);
    assert.equal(names.filter((n) => n === 'GUEST_CR0').length, 1);
    assert.match(row.schemes, /(^|; )VMCS_GUEST_CR0: apple, bhyve, qemu, ia32-doc\b/);
    assert.match(row.schemes, /(^|; )GUEST_CR0: linux, xen, haxm\b/);
  });
});

describe('source names', () => {
  it('a snapshot by its file name, with its kind in the status bar', () => {
    assert.equal(sourceName('snapshot:/home/me/boxes/build-box.vmcs.json'), 'build-box.vmcs.json');
    assert.equal(sourceName('snapshot:C:\\boxes\\mac.vmcs.json'), 'mac.vmcs.json');
    assert.equal(sourceStatus('snapshot:/home/me/boxes/build-box.vmcs.json'), 'build-box.vmcs.json (snapshot)');
    assert.equal(sourceStatus('profile:coffeelake-i7-9750h'), 'profile:coffeelake-i7-9750h');
  });
  it('hovers name the file and its description; tooltips keep the whole path', () => {
    const snapshot = { source: { kind: 'manual' as const, description: 'the build box', cpu: 'Core i7-9750H' } };
    assert.equal(sourceLine('snapshot:/home/me/boxes/build-box.vmcs.json', snapshot, true), 'Masks from `build-box.vmcs.json` (the build box) — Core i7-9750H');
    assert.match(sourceLine('snapshot:/home/me/boxes/build-box.vmcs.json', snapshot), /^Masks from `snapshot:\/home\/me\/boxes\/build-box\.vmcs\.json`/);
  });
});
