#include "SignalWatcher.h"

#include <QMetaObject>
#include <QPointer>
#include <QSocketNotifier>

#ifdef Q_OS_WIN
#include <windows.h>
#else
#include <csignal>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>
#endif

namespace PoolDesk {

#ifdef Q_OS_WIN

namespace {
QPointer<SignalWatcher> watcher;

// Runs on a thread the system starts for the event; returning TRUE says it is handled, and for
// CTRL_CLOSE_EVENT Windows waits a while for the process to end by itself.
BOOL WINAPI onConsoleEvent(DWORD event) {
    switch (event) {
    case CTRL_C_EVENT:
    case CTRL_BREAK_EVENT:
    case CTRL_CLOSE_EVENT:
    case CTRL_LOGOFF_EVENT:
    case CTRL_SHUTDOWN_EVENT:
        if (SignalWatcher *target = watcher.data()) {
            QMetaObject::invokeMethod(
                target, [target, event] { emit target->terminationRequested(int(event)); },
                Qt::QueuedConnection);
            return TRUE;
        }
        return FALSE;
    default:
        return FALSE;
    }
}
} // namespace

SignalWatcher::SignalWatcher(QObject *parent)
    : QObject(parent) {
    watcher = this;
    m_valid = SetConsoleCtrlHandler(onConsoleEvent, TRUE) != 0;
}

SignalWatcher::~SignalWatcher() {
    SetConsoleCtrlHandler(onConsoleEvent, FALSE);
    watcher = nullptr;
}

void SignalWatcher::readSignal() {}

#else

namespace {
int signalPipe[2] = {-1, -1};

void onSignal(int number) {
    const char byte = char(number);
    [[maybe_unused]] const auto written = ::write(signalPipe[0], &byte, 1);
}
} // namespace

SignalWatcher::SignalWatcher(QObject *parent)
    : QObject(parent) {
    // SOCK_CLOEXEC is not on macOS: the flags are set one by one.
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, signalPipe) != 0)
        return;
    for (const int descriptor : signalPipe)
        ::fcntl(descriptor, F_SETFD, FD_CLOEXEC);
    ::fcntl(signalPipe[0], F_SETFL, O_NONBLOCK);
    m_notifier = std::make_unique<QSocketNotifier>(signalPipe[1], QSocketNotifier::Read);
    connect(m_notifier.get(), &QSocketNotifier::activated, this, &SignalWatcher::readSignal);
    struct sigaction action = {};
    action.sa_handler = onSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    sigaction(SIGTERM, &action, nullptr);
    sigaction(SIGINT, &action, nullptr);
    // A client that hangs up mid-response must not kill the service.
    std::signal(SIGPIPE, SIG_IGN);
    m_valid = true;
}

SignalWatcher::~SignalWatcher() {
    std::signal(SIGTERM, SIG_DFL);
    std::signal(SIGINT, SIG_DFL);
}

void SignalWatcher::readSignal() {
    char byte = 0;
    if (::read(signalPipe[1], &byte, 1) == 1)
        emit terminationRequested(int(byte));
}

#endif

} // namespace PoolDesk
