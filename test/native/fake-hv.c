/*
 * A stand-in for Hypervisor.framework's x86 VMX API, for tests on machines without it.
 * Same symbols and signatures as the framework; answers from a table file; enforces that every
 * vCPU call comes from the thread that created the vCPU; and fails on request.
 *
 * Environment:
 *   FAKE_HV_TABLE  table file: lines "cap <id> <hex>" and "field <encoding> <allowed0> <allowed1>"
 *   FAKE_HV_MODE   deny | hang | crash | unsupported (hv_vm_create fails, blocks, crashes, or returns HV_UNSUPPORTED)
 *   FAKE_HV_LOG    append one line per vCPU call: "<function> <ok|wrong-thread>"
 */
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef int hv_return_t;
typedef unsigned int hv_vcpuid_t;
typedef uint64_t hv_vm_options_t;
typedef uint64_t hv_vcpu_options_t;
typedef unsigned int hv_vmx_capability_t;

#define HV_SUCCESS 0
#define HV_ERROR ((hv_return_t)0xfae94001)
#define HV_BUSY ((hv_return_t)0xfae94002)
#define HV_BAD_ARGUMENT ((hv_return_t)0xfae94003)
#define HV_NO_RESOURCES ((hv_return_t)0xfae94005)
#define HV_DENIED ((hv_return_t)0xfae94007)
#define HV_UNSUPPORTED ((hv_return_t)0xfae9400f)

#define MAX_ENTRIES 512

struct cap { unsigned id; uint64_t value; };
struct field { uint32_t encoding; uint64_t allowed0, allowed1; };

static struct cap caps[MAX_ENTRIES];
static struct field fields[MAX_ENTRIES];
static int ncaps, nfields, loaded, vm_created, vcpu_created;
static pthread_t owner;

static void load_table(void) {
  if (loaded) return;
  loaded = 1;
  const char *path = getenv("FAKE_HV_TABLE");
  FILE *f = path ? fopen(path, "r") : NULL;
  if (!f) return;
  char kind[16];
  unsigned long long a, b, c;
  while (fscanf(f, "%15s", kind) == 1) {
    if (!strcmp(kind, "cap") && fscanf(f, "%llu %llx", &a, &b) == 2 && ncaps < MAX_ENTRIES) {
      caps[ncaps].id = (unsigned)a;
      caps[ncaps++].value = b;
    } else if (!strcmp(kind, "field") && fscanf(f, "%llx %llx %llx", &a, &b, &c) == 3 && nfields < MAX_ENTRIES) {
      fields[nfields].encoding = (uint32_t)a;
      fields[nfields].allowed0 = b;
      fields[nfields++].allowed1 = c;
    }
  }
  fclose(f);
}

static int mode_is(const char *m) {
  const char *mode = getenv("FAKE_HV_MODE");
  return mode && !strcmp(mode, m);
}

/* Every hv_vmx_vcpu_* call: the calling thread must own the vCPU. */
static int on_owner_thread(const char *fn) {
  int ok = vcpu_created && pthread_equal(owner, pthread_self());
  const char *log = getenv("FAKE_HV_LOG");
  if (log) {
    FILE *f = fopen(log, "a");
    if (f) {
      fprintf(f, "%s %s\n", fn, ok ? "ok" : "wrong-thread");
      fclose(f);
    }
  }
  return ok;
}

hv_return_t hv_vm_create(hv_vm_options_t flags) {
  (void)flags;
  if (mode_is("deny")) return HV_DENIED;
  if (mode_is("unsupported")) return HV_UNSUPPORTED;
  if (mode_is("hang")) for (;;) pause();
  if (mode_is("crash")) raise(SIGSEGV);
  if (vm_created) return HV_BUSY;
  load_table();
  vm_created = 1;
  return HV_SUCCESS;
}

hv_return_t hv_vm_destroy(void) {
  if (!vm_created || vcpu_created) return HV_BUSY;
  vm_created = 0;
  return HV_SUCCESS;
}

hv_return_t hv_vcpu_create(hv_vcpuid_t *vcpu, hv_vcpu_options_t flags) {
  (void)flags;
  if (!vm_created || !vcpu) return HV_BAD_ARGUMENT;
  if (vcpu_created) return HV_NO_RESOURCES;
  vcpu_created = 1;
  owner = pthread_self();
  *vcpu = 0;
  return HV_SUCCESS;
}

hv_return_t hv_vcpu_destroy(hv_vcpuid_t vcpu) {
  if (vcpu != 0 || !on_owner_thread("hv_vcpu_destroy")) return HV_BAD_ARGUMENT;
  vcpu_created = 0;
  return HV_SUCCESS;
}

hv_return_t hv_vmx_read_capability(hv_vmx_capability_t field, uint64_t *value) {
  if (!value) return HV_BAD_ARGUMENT;
  load_table();
  for (int i = 0; i < ncaps; i++)
    if (caps[i].id == field) {
      *value = caps[i].value;
      return HV_SUCCESS;
    }
  return HV_BAD_ARGUMENT;
}

hv_return_t hv_vmx_vcpu_get_cap_write_vmcs(hv_vcpuid_t vcpu, uint32_t field, uint64_t *allowed_0, uint64_t *allowed_1) {
  if (vcpu != 0 || !allowed_0 || !allowed_1 || !on_owner_thread("hv_vmx_vcpu_get_cap_write_vmcs")) return HV_BAD_ARGUMENT;
  for (int i = 0; i < nfields; i++)
    if (fields[i].encoding == field) {
      *allowed_0 = fields[i].allowed0;
      *allowed_1 = fields[i].allowed1;
      return HV_SUCCESS;
    }
  return HV_BAD_ARGUMENT;
}
