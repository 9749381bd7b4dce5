; VM-entry check harness for Bochs. It is the system ROM (no BIOS runs): a 2 MiB image whose last 64 KiB are this
; code and whose start holds the case table. The reset vector copies the code to RAM at 0x10000, enters long mode,
; does VMXON, reports the VMX capability MSRs and runs every case of the table, printing one line per result on
; port 0xE9. The fixed addresses below are mirrored in layout.ts.
; (The table is in ROM because Bochs loads RAM images of more than 128 KiB wrongly, and 2 MiB is its ROM limit.)

%define HOST_PML4    0x1000
%define HOST_PDPT    0x2000
%define HOST_PD      0x3000            ; 512 x 2 MiB = first 1 GiB
%define HOST_PD_TOP  0x4000            ; the last 2 MiB below 4 GiB: the ROM with the table
%define HOST_GDT     0x5000
%define HOST_TSS     0x5800
%define HOST_IDT     0x6000
%define VMXON_REGION 0x7000
%define VMCS_REGION  0x8000
%define STACK_TOP    0x10000
%define IMAGE        0x10000

%define GUEST_CODE   0x20000
%define GUEST_GDT    0x22000
%define GUEST_IDT    0x23000
%define GUEST_TSS    0x24000
%define G_PML4       0x30000
%define G_PDPT       0x31000
%define G_PAE_PDPT   0x32000
%define G_PD32       0x33000           ; 1024 x 4 MiB (needs CR4.PSE)
%define G_PD         0x34000           ; 4 PDs of 2 MiB pages = 4 GiB, shared by PAE and 4-level
%define EPT_PML4     0x38000
%define EPT_PDPT     0x39000
%define EPT_PD       0x3A000           ; 4 PDs = 4 GiB
%define GUEST_END    0x40000
%define SAVE_AREA    0x80000           ; old qwords under a case's memory writes
%define SAVE_MAX     0x4000
%define CASES        0xFFE00000        ; start of the 2 MiB ROM

%define SEL_CODE64   0x08
%define SEL_DATA     0x10
%define SEL_TSS      0x18
%define SEL_CODE32   0x28

section .text start=0 vstart=IMAGE

; HOST_RIP: kept at the image's first byte so that its address does not move with edits.
bits 64
exit_entry:
    jmp exit_handler

; ---------------------------------------------------------------- real mode (runs from ROM)
bits 16
start16:
    cli
    cld
    mov ax, 0xF000
    mov ds, ax
    mov ax, IMAGE >> 4
    mov es, ax
    xor si, si
    xor di, di
    mov cx, 0x8000
    rep movsw
    in al, 0x92                        ; fast A20
    or al, 2
    and al, 0xFE
    out 0x92, al
    mov ax, IMAGE >> 4
    mov ds, ax
    xor ax, ax
    mov es, ax
    mov si, gdt_tmpl - IMAGE
    mov di, HOST_GDT
    mov cx, gdt_tmpl_end - gdt_tmpl
    rep movsb
    o32 lgdt [host_gdtr - IMAGE]
    mov eax, 0x11
    mov cr0, eax
    jmp dword SEL_CODE32:pm32

; ---------------------------------------------------------------- 32-bit: host paging, long mode
bits 32
pm32:
    mov ax, SEL_DATA
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov fs, ax
    mov gs, ax
    mov esp, STACK_TOP
    mov edi, HOST_PML4                 ; zero the page tables
    mov ecx, (HOST_GDT - HOST_PML4) / 4
    xor eax, eax
    rep stosd
    mov dword [HOST_PML4], HOST_PDPT | 3
    mov dword [HOST_PDPT], HOST_PD | 3
    mov dword [HOST_PDPT + 3 * 8], HOST_PD_TOP | 3
    mov dword [HOST_PD_TOP + 511 * 8], CASES | 0x83
    mov edi, HOST_PD
    mov eax, 0x83
    mov ecx, 512
.pd:
    mov [edi], eax
    add eax, 0x200000
    add edi, 8
    loop .pd
    mov eax, HOST_PML4
    mov cr3, eax
    mov eax, 0x20                      ; PAE
    mov cr4, eax
    mov ecx, 0xC0000080
    rdmsr
    or eax, 0x100                      ; LME
    wrmsr
    mov eax, 0x80000031                ; PG NE ET PE, caches on
    mov cr0, eax
    jmp SEL_CODE64:lm64

; ---------------------------------------------------------------- 64-bit setup
bits 64
lm64:
    mov ax, SEL_DATA
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov fs, ax
    mov gs, ax
    mov rsp, STACK_TOP
    call build_idt
    lidt [host_idtr]
    ; TSS descriptor (16 bytes) at SEL_TSS, available type; ltr marks it busy
    mov rax, HOST_TSS
    mov rdx, 0x0000890000000067
    mov rbx, rax
    and rbx, 0xFFFFFF
    shl rbx, 16
    or rdx, rbx
    mov rbx, rax
    shr rbx, 24
    and rbx, 0xFF
    shl rbx, 56
    or rdx, rbx
    mov [HOST_GDT + SEL_TSS], rdx
    shr rax, 32
    mov [HOST_GDT + SEL_TSS + 8], rax
    mov ax, SEL_TSS
    ltr ax
    call build_guest

    lea rsi, [s_boot]
    call puts

    mov eax, 1
    cpuid
    bt ecx, 5
    jc .hasvmx
    lea rsi, [s_novmx]
    call puts
    jmp finish
.hasvmx:
    ; capability MSRs; absent ones raise #GP which the handler turns into gp_hit
    mov r12d, 0x480
    xor r13d, r13d
.msr:
    mov ecx, r12d
    call safe_rdmsr
    mov rbx, rax
    lea rsi, [s_msr]
    call puts_nonl
    mov eax, r12d
    call puthex
    call space
    cmp byte [gp_hit], 0
    jne .absent
    mov rax, rbx
    mov [msr_vals + r13 * 8], rax
    call puthex
    jmp .nl
.absent:
    lea rsi, [s_absent]
    call puts_nonl
.nl:
    call newline
    inc r12d
    inc r13d
    cmp r12d, 0x494
    jb .msr

    ; address widths (CPUID 80000008H EAX: physical 7:0, linear 15:8) for the checks on addresses
    lea rsi, [s_cpuid]
    call puts_nonl
    mov eax, 0x80000008
    cpuid
    and eax, 0xffff
    call puthex
    call newline

    ; IA32_FEATURE_CONTROL: lock with VMXON-outside-SMX unless firmware (here: nobody) locked it
    mov ecx, 0x3A
    call safe_rdmsr
    test al, 1
    jnz .locked
    or eax, 5
    mov rdx, rax
    shr rdx, 32
    mov ecx, 0x3A
    wrmsr
    jmp .fcok
.locked:
    test al, 4
    jnz .fcok
    lea rsi, [s_fclocked]
    call puts
    jmp finish
.fcok:
    ; CR0/CR4 to the VMX fixed bits
    mov rax, cr0
    or rax, [msr_vals + 6 * 8]
    and rax, [msr_vals + 7 * 8]
    mov cr0, rax
    mov rax, cr4
    or rax, 0x2000
    or rax, [msr_vals + 8 * 8]
    and rax, [msr_vals + 9 * 8]
    mov cr4, rax

    mov eax, [msr_vals]
    and eax, 0x7FFFFFFF
    mov [revision], eax
    mov [VMXON_REGION], eax
    vmxon [vmxon_ptr]
    jbe .vmxonfail
    call build_host_table
    ; print the host defaults so the driver can compare them with layout.ts
    xor r12, r12
.hp:
    cmp r12, [host_n]
    jae .hpd
    lea rsi, [s_host]
    call puts_nonl
    mov rax, [host_tab + r12 * 8]
    call puthex
    call space
    mov rax, [host_tab + 8 + r12 * 8]
    call puthex
    call newline
    add r12, 2
    jmp .hp
.hpd:
    mov eax, CASES                     ; above 2 GiB: no sign-extended displacement
    cmp dword [rax], 'VMXC'
    je .tabok
    lea rsi, [s_badtab]
    call puts
    jmp finish
.tabok:
    mov ecx, [rax + 4]
    mov [case_count], rcx
    mov qword [case_idx], 0
    add rax, 8
    mov [case_ptr], rax
    lea rsi, [s_ready]
    call puts
    jmp case_loop
.vmxonfail:
    lea rsi, [s_vmxonfail]
    call puts
    jmp finish

; ---------------------------------------------------------------- the case loop
case_loop:
    mov rsp, STACK_TOP
    mov rax, [case_idx]
    cmp rax, [case_count]
    jae finish
    mov rsi, [case_ptr]
    mov eax, [rsi]
    mov [cur_nmem], rax
    mov ecx, [rsi + 4]
    mov [cur_nwr], rcx
    lea rdx, [rsi + 8]
    mov [cur_mem], rdx
    shl rax, 4                         ; memory writes: 16 bytes each
    add rdx, rax
    mov [cur_wr], rdx
    lea rcx, [rcx + rcx * 2]           ; VMWRITEs: u32 encoding, u64 value
    lea rdx, [rdx + rcx * 4]
    mov [case_next], rdx

    ; fresh VMCS: clear the previous one (flushes any cached state), zero, revision, clear, load
    vmclear [vmcs_ptr]
    mov rdi, VMCS_REGION
    mov ecx, 512
    xor eax, eax
    rep stosq
    mov eax, [revision]
    mov [VMCS_REGION], eax
    vmclear [vmcs_ptr]
    vmptrld [vmcs_ptr]

    ; memory writes, remembering what they overwrite
    mov rsi, [cur_mem]
    mov rcx, [cur_nmem]
    mov rdi, SAVE_AREA
.mw:
    test rcx, rcx
    jz .mwd
    mov rbx, [rsi]
    mov rax, [rbx]
    mov [rdi], rax
    mov rax, [rsi + 8]
    mov [rbx], rax
    add rsi, 16
    add rdi, 8
    dec rcx
    jmp .mw
.mwd:
    ; host defaults, then the case's writes
    lea rsi, [host_tab]
    mov r12, [host_n]
    shr r12, 1
    mov r15, 16
    call do_writes
    jnz case_end
    mov rsi, [cur_wr]
    mov r12, [cur_nwr]
    mov r15, 12
    call do_writes
    jnz case_end

    vmlaunch
    jc .inv
    jz .valid
    lea rsi, [s_fallthrough]           ; VMLAUNCH neither failed nor left: cannot happen
    call result_prefix
    call newline
    jmp case_end
.inv:
    lea rsi, [s_vmfailinv]
    call result_prefix
    call newline
    jmp case_end
.valid:
    lea rsi, [s_vmfail]
    call result_prefix
    mov ecx, 0x4400
    vmread rax, rcx
    call puthex
    call newline
    jmp case_end

; VM exit (including VM-entry failures) lands here through exit_entry.
exit_handler:
    mov rsp, STACK_TOP
    lgdt [host_gdtr]                   ; VM exit leaves the GDTR/IDTR limits at 0xFFFF
    lidt [host_idtr]                   ; (TR's forced limit 0x67 is the TSS's own)
    mov ecx, 0x4402
    vmread rbx, rcx
    mov ecx, 0x6400
    vmread r13, rcx
    lea rsi, [s_exit]
    call result_prefix
    mov eax, ebx
    call puthex
    call space
    mov rax, r13
    call puthex
    call newline

case_end:
    ; undo the memory writes in reverse order so the next case sees pristine tables
    mov rcx, [cur_nmem]
    mov rsi, [cur_mem]
.rs:
    test rcx, rcx
    jz .rsd
    dec rcx
    mov rdx, rcx
    shl rdx, 4
    mov rbx, [rsi + rdx]
    mov rax, [SAVE_AREA + rcx * 8]
    mov [rbx], rax
    jmp .rs
.rsd:
    mov rax, [case_next]
    mov [case_ptr], rax
    inc qword [case_idx]
    jmp case_loop

; VMWRITE r12 (encoding, value) entries of r15 bytes at rsi (value at +r15-8).
; ZF=0 on return if one failed (already reported).
do_writes:
    test r12, r12
    jz .ok
    mov ecx, [rsi]
    mov rax, [rsi + r15 - 8]
    vmwrite rcx, rax
    jc .inv
    jz .valid
    add rsi, r15
    dec r12
    jmp do_writes
.ok:
    xor eax, eax                       ; ZF=1
    ret
.inv:
    mov r13, rcx
    mov r14, -1
    jmp .report
.valid:
    mov r13, rcx
    mov ecx, 0x4400
    vmread r14, rcx
.report:
    lea rsi, [s_vmwritefail]
    call result_prefix
    mov rax, r13
    call puthex
    call space
    mov rax, r14
    cmp rax, -1
    jne .num
    lea rsi, [s_invalid]
    call puts_nonl
    jmp .done
.num:
    call puthex
.done:
    call newline
    or eax, 1                          ; ZF=0
    ret

finish:
    lea rsi, [s_done]
    call puts
    mov dx, 0x8900                     ; Bochs shutdown port; the driver also stops at DONE
    lea rsi, [s_shutdown]
.sd:
    lodsb
    test al, al
    jz .hlt
    out dx, al
    jmp .sd
.hlt:
    cli
    hlt
    jmp .hlt

; ---------------------------------------------------------------- host-state defaults
; (encoding, value) pairs written before each case's own writes.
%macro HOSTPAIR 2
    mov qword [rdi], %1
    mov [rdi + 8], %2
    add rdi, 16
%endmacro
build_host_table:
    lea rdi, [host_tab]
    mov rax, cr0
    HOSTPAIR 0x6C00, rax
    mov rax, cr3
    HOSTPAIR 0x6C02, rax
    mov rax, cr4
    HOSTPAIR 0x6C04, rax
    xor eax, eax
    mov ax, es
    HOSTPAIR 0x0C00, rax
    mov ax, cs
    HOSTPAIR 0x0C02, rax
    mov ax, ss
    HOSTPAIR 0x0C04, rax
    mov ax, ds
    HOSTPAIR 0x0C06, rax
    mov ax, fs
    HOSTPAIR 0x0C08, rax
    mov ax, gs
    HOSTPAIR 0x0C0A, rax
    str ax
    HOSTPAIR 0x0C0C, rax
    mov ecx, 0xC0000100
    call rdmsr64
    HOSTPAIR 0x6C06, rax
    mov ecx, 0xC0000101
    call rdmsr64
    HOSTPAIR 0x6C08, rax
    mov rax, HOST_TSS
    HOSTPAIR 0x6C0A, rax
    sgdt [scratch]
    mov rax, [scratch + 2]
    HOSTPAIR 0x6C0C, rax
    sidt [scratch]
    mov rax, [scratch + 2]
    HOSTPAIR 0x6C0E, rax
    mov ecx, 0x174
    call rdmsr64
    HOSTPAIR 0x4C00, rax
    mov ecx, 0x175
    call rdmsr64
    HOSTPAIR 0x6C10, rax
    mov ecx, 0x176
    call rdmsr64
    HOSTPAIR 0x6C12, rax
    mov rax, STACK_TOP
    HOSTPAIR 0x6C14, rax
    lea rax, [exit_entry]
    HOSTPAIR 0x6C16, rax
    ; PAT/EFER host fields exist only if the exit controls may load them
    mov eax, [msr_vals + 3 * 8 + 4]
    bt eax, 19
    jnc .nopat
    mov ecx, 0x277
    call rdmsr64
    HOSTPAIR 0x2C00, rax
.nopat:
    mov eax, [msr_vals + 3 * 8 + 4]
    bt eax, 21
    jnc .noefer
    mov ecx, 0xC0000080
    call rdmsr64
    HOSTPAIR 0x2C02, rax
.noefer:
    lea rax, [host_tab]
    sub rdi, rax
    shr rdi, 3
    mov [host_n], rdi
    ret

rdmsr64:
    rdmsr
    shl rdx, 32
    mov eax, eax
    or rax, rdx
    ret

; RDMSR ecx with #GP caught: rax = value, gp_hit = 1 if the MSR is absent.
safe_rdmsr:
    mov byte [gp_hit], 0
    mov byte [probing], 1
    xor eax, eax
    xor edx, edx
    rdmsr                              ; 2 bytes: the #GP handler skips it
    mov byte [probing], 0
    shl rdx, 32
    mov eax, eax
    or rax, rdx
    ret

; ---------------------------------------------------------------- interrupts
build_idt:
    mov rdi, HOST_IDT
    xor ebx, ebx
.l:
    cmp ebx, 32
    jb .exc
    lea rax, [spurious]
    jmp .set
.exc:
    lea rax, [exc_stubs]
    imul rdx, rbx, EXC_STUB_SIZE
    add rax, rdx
.set:
    mov rdx, rax
    and edx, 0xFFFF
    mov rcx, (SEL_CODE64 << 16) | (0x8E00 << 32)
    or rdx, rcx
    mov rcx, rax
    shr rcx, 16
    and ecx, 0xFFFF
    shl rcx, 48
    or rdx, rcx
    mov [rdi], rdx
    shr rax, 32
    mov [rdi + 8], rax
    add rdi, 16
    inc ebx
    cmp ebx, 256
    jb .l
    ret

exc_stubs:
%assign v 0
%rep 32
    mov byte [fault_vec], v
    jmp near fault_common
%assign v v + 1
%endrep
EXC_STUB_SIZE equ (($ - exc_stubs) / 32)

fault_common:
    cmp byte [fault_vec], 13
    jne .fatal
    cmp byte [probing], 0
    je .fatal
    add rsp, 8                         ; error code
    add qword [rsp], 2                 ; skip the RDMSR
    mov byte [gp_hit], 1
    iretq
.fatal:
    ; unexpected exception: report vector and the top of the stack, then stop
    lea rsi, [s_fault]
    call puts_nonl
    movzx eax, byte [fault_vec]
    call puthex
    mov rbx, rsp
    mov r12, 4
.st:
    call space
    mov rax, [rbx]
    call puthex
    add rbx, 8
    dec r12
    jnz .st
    call newline
    jmp finish

spurious:
    iretq

; ---------------------------------------------------------------- guest areas
build_guest:
    mov rdi, GUEST_CODE                ; zero the whole guest region
    mov rcx, (GUEST_END - GUEST_CODE) / 8
    xor eax, eax
    rep stosq
    ; code: CPUID (unconditional exit) then HLT; a spin loop; a HLT loop
    mov dword [GUEST_CODE], 0xEBF4A20F
    mov byte [GUEST_CODE + 4], 0xFD
    mov word [GUEST_CODE + 0x10], 0xFEEB
    mov dword [GUEST_CODE + 0x20], 0x00FDEBF4
    ; GDT
    mov rax, 0x00AF9B000000FFFF
    mov [GUEST_GDT + 0x08], rax        ; 64-bit code
    mov rax, 0x00CF9B000000FFFF
    mov [GUEST_GDT + 0x10], rax        ; 32-bit code
    mov rax, 0x00CF93000000FFFF
    mov [GUEST_GDT + 0x18], rax        ; 32-bit data
    mov rax, 0x00009B000000FFFF
    mov [GUEST_GDT + 0x20], rax        ; 16-bit code
    mov rax, 0x000093000000FFFF
    mov [GUEST_GDT + 0x28], rax        ; 16-bit data
    mov rax, 0x00008B0000000067 | ((GUEST_TSS & 0xFFFFFF) << 16) | ((GUEST_TSS >> 24) << 56)
    mov [GUEST_GDT + 0x30], rax        ; 64-bit TSS (busy), upper half zero
    mov [GUEST_GDT + 0x40], rax        ; 32-bit TSS (busy)
    ; IDT: every vector to the CPUID/HLT code through 64-bit interrupt gates
    mov rdi, GUEST_IDT
    mov rax, (GUEST_CODE & 0xFFFF) | (0x08 << 16) | (0x8E00 << 32) | (((GUEST_CODE >> 16) & 0xFFFF) << 48)
    mov ecx, 256
.idt:
    mov [rdi], rax
    add rdi, 16
    loop .idt
    ; 2 MiB PDEs for 4 GiB, shared by 4-level and PAE paging
    mov rdi, G_PD
    mov eax, 0x83
    mov ecx, 2048
.pd:
    mov [rdi], rax
    add rax, 0x200000
    add rdi, 8
    loop .pd
    mov qword [G_PML4], G_PDPT | 3
    mov rdi, EPT_PD                    ; EPT: RWX, WB, 2 MiB pages
    mov eax, 0xB7
    mov ecx, 2048
.ept:
    mov [rdi], rax
    add rax, 0x200000
    add rdi, 8
    loop .ept
    mov qword [EPT_PML4], EPT_PDPT | 7
    xor ecx, ecx
.pdpt:
    mov rax, rcx
    shl rax, 12
    lea rdx, [rax + G_PD + 3]
    mov [G_PDPT + rcx * 8], rdx
    lea rdx, [rax + G_PD + 1]          ; PAE PDPTEs allow only P/PWT/PCD
    mov [G_PAE_PDPT + rcx * 8], rdx
    lea rdx, [rax + EPT_PD + 7]
    mov [EPT_PDPT + rcx * 8], rdx
    inc ecx
    cmp ecx, 4
    jb .pdpt
    mov rdi, G_PD32                    ; 4 MiB PDEs for 32-bit paging with CR4.PSE
    mov eax, 0x83
    mov ecx, 1024
.pd32:
    mov [rdi], eax
    add eax, 0x400000
    add rdi, 4
    loop .pd32
    ret

; ---------------------------------------------------------------- output
; "R <idx> " then the string at rsi, no newline
result_prefix:
    push rsi
    mov al, 'R'
    call putc
    call space
    mov rax, [case_idx]
    call putdec
    call space
    pop rsi
    jmp puts_nonl

puts:
    call puts_nonl
newline:
    mov al, 10
    jmp putc
space:
    mov al, ' '
putc:
    out 0xE9, al
    ret
puts_nonl:
    lodsb
    test al, al
    jz .d
    out 0xE9, al
    jmp puts_nonl
.d:
    ret

; rax as 0x-prefixed hex without leading zeros
puthex:
    push rbx
    push rcx
    mov rbx, rax
    mov al, '0'
    call putc
    mov al, 'x'
    call putc
    mov ecx, 60
.skip:
    test ecx, ecx
    jz .digits
    mov rax, rbx
    shr rax, cl
    test al, 0xF
    jnz .digits
    sub ecx, 4
    jmp .skip
.digits:
    mov rax, rbx
    shr rax, cl
    and eax, 0xF
    mov al, [hexdig + rax]
    call putc
    sub ecx, 4
    jns .digits
    pop rcx
    pop rbx
    ret

putdec:
    push rbx
    push rcx
    push rdx
    mov rbx, rsp
    sub rsp, 32
    mov rcx, 10
.l:
    xor edx, edx
    div rcx
    add dl, '0'
    dec rbx
    mov [rbx], dl
    test rax, rax
    jnz .l
.p:
    mov al, [rbx]
    call putc
    inc rbx
    lea rax, [rsp + 32]
    cmp rbx, rax
    jb .p
    add rsp, 32
    pop rdx
    pop rcx
    pop rbx
    ret

; ---------------------------------------------------------------- data
align 8
gdt_tmpl:
    dq 0
    dq 0x00AF9B000000FFFF              ; 0x08 64-bit code
    dq 0x00CF93000000FFFF              ; 0x10 data
    dq 0, 0                            ; 0x18 TSS, filled in long mode
    dq 0x00CF9B000000FFFF              ; 0x28 32-bit code (boot only)
gdt_tmpl_end:
align 8
    dw 0
    dw 0
    dw 0
host_gdtr:
    dw gdt_tmpl_end - gdt_tmpl - 1
    dq HOST_GDT
align 8
    dw 0
    dw 0
    dw 0
host_idtr:
    dw 256 * 16 - 1
    dq HOST_IDT
align 8
vmxon_ptr:  dq VMXON_REGION
vmcs_ptr:   dq VMCS_REGION
revision:   dq 0
case_count: dq 0
case_idx:   dq 0
case_ptr:   dq 0
case_next:  dq 0
cur_nmem:   dq 0
cur_mem:    dq 0
cur_nwr:    dq 0
cur_wr:     dq 0
host_n:     dq 0
scratch:    dq 0, 0
msr_vals:   times 20 dq 0
host_tab:   times 64 dq 0
gp_hit:     db 0
probing:    db 0
fault_vec:  db 0
hexdig:     db '0123456789abcdef'
s_boot:     db 'BOOT', 0
s_novmx:    db 'NOVMX', 0
s_msr:      db 'MSR ', 0
s_cpuid:    db 'WIDTHS ', 0
s_absent:   db 'absent', 0
s_fclocked: db 'FEATURE_CONTROL locked without VMXON', 0
s_vmxonfail: db 'VMXON failed', 0
s_host:     db 'HOST ', 0
s_badtab:   db 'BADTABLE', 0
s_ready:    db 'READY', 0
s_fallthrough: db 'fallthrough', 0
s_vmfailinv: db 'vmfail-invalid', 0
s_vmfail:   db 'vmfail ', 0
s_exit:     db 'exit ', 0
s_vmwritefail: db 'vmwrite-fail ', 0
s_invalid:  db 'invalid', 0
s_fault:    db 'FAULT ', 0
s_done:     db 'DONE', 0
s_shutdown: db 'Shutdown', 0

; ---------------------------------------------------------------- reset vector
section .reset start=0xFFF0 vstart=0xFFFF0
bits 16
    jmp 0xF000:(start16 - IMAGE)
    times 16 - ($ - $$) db 0
