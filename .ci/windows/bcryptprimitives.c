/* Test prefix only, never shipped: Wine 8.0 (Debian 12) has no bcryptprimitives.dll, whose
 * ProcessPrng Rust's standard library imports for random numbers since Rust 1.78. Windows 8 and
 * later have it. This stub answers with RtlGenRandom (advapi32's SystemFunction036). */
#include <windows.h>

BOOLEAN NTAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk)) {
            return FALSE;
        }
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
