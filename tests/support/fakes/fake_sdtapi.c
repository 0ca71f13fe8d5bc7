/* A stand-in for the ID card reader vendors' libsdtapi.so, built by the tests with the system C compiler.
 *
 * It answers as the real library does (0x90 done, 0x9F card found, 0x80 no card) and returns the documented
 * layout: 256 bytes of UTF-16LE text in fixed fields from SDT_ReadBaseMsg, 1024 bytes of "compressed" photo, and
 * `unpack` turning those into the 38,862-byte 102 x 126 bitmap. What lies on the reader is set by files the test
 * writes, named by environment variables read at each call:
 *   FAKE_SDT_CARD   the 256-byte text message; the card is on the reader while this file exists
 *   FAKE_SDT_BMP    the bitmap `unpack` gives back (the real decoder's output)
 *   FAKE_SDT_SHORT  if this file exists, the card leaves the field during the read (SDT_ReadBaseMsg fails)
 *   FAKE_SDT_NO_READER  if set, no reader is plugged in (SDT_OpenPort fails)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int present(const char *name) {
    const char *path = getenv(name);
    return path != NULL && access(path, R_OK) == 0;
}

static long slurp(const char *name, unsigned char *into, long most) {
    const char *path = getenv(name);
    FILE *file = path ? fopen(path, "rb") : NULL;
    if (file == NULL) return -1;
    long got = (long) fread(into, 1, (size_t) most, file);
    fclose(file);
    return got;
}

int SDT_OpenPort(int port) { return getenv("FAKE_SDT_NO_READER") ? 0x01 : 0x90; }

int SDT_ClosePort(int port) { return 0x90; }

int SDT_StartFindIDCard(int port, unsigned char *manage, int if_open) {
    if (!present("FAKE_SDT_CARD")) return 0x80;
    memset(manage, 0, 4);
    return 0x9F;
}

int SDT_SelectIDCard(int port, unsigned char *manage, int if_open) {
    if (!present("FAKE_SDT_CARD")) return 0x81;
    memset(manage, 0, 8);
    return 0x90;
}

int SDT_ReadBaseMsg(int port, unsigned char *text, unsigned int *text_length, unsigned char *photo,
                    unsigned int *photo_length, int if_open) {
    if (!present("FAKE_SDT_CARD") || present("FAKE_SDT_SHORT")) return 0x41;
    long got = slurp("FAKE_SDT_CARD", text, 256);
    if (got < 0) return 0x41;
    *text_length = (unsigned int) got;
    for (int i = 0; i < 1024; i++) photo[i] = (unsigned char) (i * 7);  /* stands for the vendor's compression */
    *photo_length = 1024;
    return 0x90;
}

int unpack(char *compressed, char *bitmap, int save_to_file) {
    if (compressed == NULL || (unsigned char) compressed[1] != 7) return -1;  /* not what SDT_ReadBaseMsg gave */
    return slurp("FAKE_SDT_BMP", (unsigned char *) bitmap, 38862) == 38862 ? 1 : -2;
}
