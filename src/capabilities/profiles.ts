// Embedded real-CPU profiles: bare-metal capability MSRs with the public source each was read from.
import coffeelake from './profiles/coffeelake-i7-9750h.vmcs.json';
import skylake from './profiles/skylake-i7-6700k.vmcs.json';
import broadwell from './profiles/broadwell-i7-5600u.vmcs.json';
import ivybridge from './profiles/ivybridge-i5-3570.vmcs.json';
import sandybridge from './profiles/sandybridge-e-i7-3960x.vmcs.json';
import silvermont from './profiles/silvermont-pentium-n3530.vmcs.json';
import conroe from './profiles/conroe-core2-x6800.vmcs.json';

export interface ProfileData {
  id: string;
  json: unknown;
}

/** The first profile is the default: a Coffee Lake-H part, as in the last Intel MacBook Pros. */
export const PROFILES: readonly ProfileData[] = [
  { id: 'coffeelake-i7-9750h', json: coffeelake },
  { id: 'skylake-i7-6700k', json: skylake },
  { id: 'broadwell-i7-5600u', json: broadwell },
  { id: 'ivybridge-i5-3570', json: ivybridge },
  { id: 'sandybridge-e-i7-3960x', json: sandybridge },
  { id: 'silvermont-pentium-n3530', json: silvermont },
  { id: 'conroe-core2-x6800', json: conroe },
];

export const DEFAULT_PROFILE = PROFILES[0].id;
