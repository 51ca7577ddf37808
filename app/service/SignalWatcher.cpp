#include "SignalWatcher.h"

#include <QMetaObject>
#include <QPointer>
#include <QSocketNotifier>

#ifdef Q_OS_WIN
#include <atomic>

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
// Set when the watcher goes, that is when the service has stopped and main() is returning.
std::atomic<bool> finished{false};
constexpr DWORD StopWaitMs = 20000;

// Runs on a thread the system starts for the event. For Ctrl+C and Ctrl+Break, returning TRUE
// lets the process go on; for the console closing and the system shutting down, Windows ends the
// process as soon as the handler returns, so it waits here for the graceful stop.
BOOL WINAPI onConsoleEvent(DWORD event) {
    switch (event) {
    case CTRL_LOGOFF_EVENT:
        // Any user logging off: a service outlives that.
        return TRUE;
    case CTRL_C_EVENT:
    case CTRL_BREAK_EVENT:
    case CTRL_CLOSE_EVENT:
    case CTRL_SHUTDOWN_EVENT: {
        SignalWatcher *target = watcher.data();
        if (!target)
            return FALSE;
        QMetaObject::invokeMethod(
            target, [target, event] { emit target->terminationRequested(int(event)); }, Qt::QueuedConnection);
        if (event == CTRL_CLOSE_EVENT || event == CTRL_SHUTDOWN_EVENT)
            for (DWORD waited = 0; !finished.load() && waited < StopWaitMs; waited += 50)
                Sleep(50);
        return TRUE;
    }
    default:
        return FALSE;
    }
}
} // namespace

SignalWatcher::SignalWatcher(QObject *parent)
    : QObject(parent) {
    watcher = this;
    finished = false;
    m_valid = SetConsoleCtrlHandler(onConsoleEvent, TRUE) != 0;
}

SignalWatcher::~SignalWatcher() {
    watcher = nullptr;
    finished = true;
    SetConsoleCtrlHandler(onConsoleEvent, FALSE);
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
