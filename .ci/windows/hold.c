/* hold FILE MARKER: opens FILE without sharing, as a PDF viewer on Windows does, creates MARKER
 * once it holds it, and keeps FILE open until MARKER is removed. For the smoke test only. */
#include <windows.h>
#include <stdio.h>

int wmain(int argc, wchar_t **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: hold FILE MARKER\n");
        return 2;
    }
    HANDLE file = CreateFileW(argv[1], GENERIC_READ, 0, NULL, OPEN_EXISTING,
                              FILE_ATTRIBUTE_NORMAL, NULL);
    if (file == INVALID_HANDLE_VALUE) {
        fprintf(stderr, "hold: cannot open the file (error %lu)\n", GetLastError());
        return 1;
    }
    HANDLE marker = CreateFileW(argv[2], GENERIC_WRITE, 0, NULL, CREATE_NEW,
                                FILE_ATTRIBUTE_NORMAL, NULL);
    if (marker == INVALID_HANDLE_VALUE) {
        fprintf(stderr, "hold: cannot create the marker (error %lu)\n", GetLastError());
        return 1;
    }
    CloseHandle(marker);
    while (GetFileAttributesW(argv[2]) != INVALID_FILE_ATTRIBUTES) {
        Sleep(100);
    }
    CloseHandle(file);
    return 0;
}
