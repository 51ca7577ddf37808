#pragma once
// Typing a secret at a prompt shows nothing: while a SilentTerminal lives, standard input's echo is
// off when it is a terminal (termios on Unix, the console mode on Windows), and restored after.
namespace PoolDesk {

class SilentTerminal final {
public:
    SilentTerminal();
    ~SilentTerminal();
    SilentTerminal(const SilentTerminal &) = delete;
    SilentTerminal &operator=(const SilentTerminal &) = delete;

    // False when standard input is a pipe or a file: nothing to hide, and no prompt is needed.
    bool isTerminal() const { return m_terminal; }

private:
    bool m_terminal = false;
    unsigned long m_savedMode = 0; // the console mode (Windows) or the local flags (termios)
};

} // namespace PoolDesk
