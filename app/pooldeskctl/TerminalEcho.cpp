#include "TerminalEcho.h"

#include <QtGlobal>

#ifdef Q_OS_WIN
#include <windows.h>
#else
#include <termios.h>
#include <unistd.h>
#endif

namespace PoolDesk {

#ifdef Q_OS_WIN

SilentTerminal::SilentTerminal() {
    const HANDLE input = GetStdHandle(STD_INPUT_HANDLE);
    DWORD mode = 0;
    m_terminal = GetFileType(input) == FILE_TYPE_CHAR && GetConsoleMode(input, &mode);
    if (m_terminal) {
        m_savedMode = mode;
        SetConsoleMode(input, mode & ~DWORD(ENABLE_ECHO_INPUT));
    }
}

SilentTerminal::~SilentTerminal() {
    if (m_terminal)
        SetConsoleMode(GetStdHandle(STD_INPUT_HANDLE), DWORD(m_savedMode));
}

#else

SilentTerminal::SilentTerminal() {
    termios settings{};
    m_terminal = ::isatty(STDIN_FILENO) && ::tcgetattr(STDIN_FILENO, &settings) == 0;
    if (m_terminal) {
        m_savedMode = settings.c_lflag;
        settings.c_lflag &= ~tcflag_t(ECHO);
        ::tcsetattr(STDIN_FILENO, TCSANOW, &settings);
    }
}

SilentTerminal::~SilentTerminal() {
    termios settings{};
    if (m_terminal && ::tcgetattr(STDIN_FILENO, &settings) == 0) {
        settings.c_lflag = tcflag_t(m_savedMode);
        ::tcsetattr(STDIN_FILENO, TCSANOW, &settings);
    }
}

#endif

} // namespace PoolDesk
