// Titles of the SDM sections the VM-entry rules cite (Vol. 3C, chapter 27 "VM Entries", 2023 and later editions).
import type { CheckClass } from './rule';

export const SECTION_TITLES: Readonly<Record<string, string>> = {
  '27.2.1.1': 'VM-execution control fields',
  '27.2.1.2': 'VM-exit control fields',
  '27.2.1.3': 'VM-entry control fields',
  '27.2.2': 'Host control registers, MSRs and SSP',
  '27.2.3': 'Host segment and descriptor-table registers',
  '27.2.4': 'Address-space size',
  '27.3.1.1': 'Guest control registers, debug registers and MSRs',
  '27.3.1.2': 'Guest segment registers',
  '27.3.1.3': 'Guest descriptor-table registers',
  '27.3.1.4': 'Guest RIP, RFLAGS and SSP',
  '27.3.1.5': 'Guest non-register state',
  '27.3.1.6': 'Guest PDPTEs',
  '27.4': 'Loading MSRs',
};

export const CLASS_TITLES: Readonly<Record<CheckClass, string>> = {
  control: 'VMX controls (VM-instruction error 7)',
  host: 'Host-state area (VM-instruction error 8)',
  guest: 'Guest-state area (exit reason 33)',
  'msr-load': 'VM-entry MSR-load list (exit reason 34)',
};
