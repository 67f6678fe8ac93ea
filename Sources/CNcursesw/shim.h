// ncursesw for Swift. The wide-character API (cchar_t, setcchar, wadd_wch) is
// only declared when these two macros precede the first include.
#ifndef SYNCDEFENSE_CNCURSESW_SHIM_H
#define SYNCDEFENSE_CNCURSESW_SHIM_H
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#include <locale.h>
#include <stdio.h>
#include <ncursesw/ncurses.h>

/// Attributes are macros built with NCURSES_BITS.
static inline attr_t cncurses_a_bold(void) { return A_BOLD; }
static inline attr_t cncurses_a_reverse(void) { return A_REVERSE; }
static inline attr_t cncurses_a_dim(void) { return A_DIM; }
static inline attr_t cncurses_a_underline(void) { return A_UNDERLINE; }
static inline attr_t cncurses_a_normal(void) { return A_NORMAL; }
static inline attr_t cncurses_color_pair(short pair) { return COLOR_PAIR(pair); }
/// getmaxyx is a macro that assigns to its arguments.
static inline void cncurses_getmaxyx(WINDOW *window, int *rows, int *columns) {
    int r, c; getmaxyx(window, r, c); *rows = r; *columns = c;
}
/// KEY_RESIZE and KEY_MOUSE are plain constants, but the version string is a macro.
static inline const char *cncurses_version(void) { return curses_version(); }
/// Globals Swift 6 refuses to read directly (shared mutable state) and macros it cannot import.
static inline WINDOW *cncurses_stdscr(void) { return stdscr; }
static inline int cncurses_colors(void) { return COLORS; }
static inline int cncurses_color_pairs(void) { return COLOR_PAIRS; }
static inline FILE *cncurses_stdin(void) { return stdin; }
static inline FILE *cncurses_stdout(void) { return stdout; }
/// Mouse button masks are built with NCURSES_MOUSE_MASK.
static inline mmask_t cncurses_button1_pressed(void) { return BUTTON1_PRESSED; }
static inline mmask_t cncurses_button1_clicked(void) { return BUTTON1_CLICKED; }
#endif
