#pragma once

#include <QObject>

#include <memory>

class QSocketNotifier;

namespace PoolDesk {

// Turns a request to stop into a Qt signal, delivered on the event loop. On Unix: SIGTERM and
// SIGINT (the handler only writes a byte to a socket pair). On Windows: Ctrl+C, Ctrl+Break, the
// console closing and the system shutting down (SetConsoleCtrlHandler; a service manager's stop
// arrives the same way through a console wrapper), not a user logging off.
class SignalWatcher final : public QObject {
    Q_OBJECT
public:
    explicit SignalWatcher(QObject *parent = nullptr);
    ~SignalWatcher() override;
    bool isValid() const { return m_valid; }

signals:
    // The Unix signal number, or on Windows the console control event (CTRL_C_EVENT, ...).
    void terminationRequested(int signalNumber);

private:
    void readSignal();
    bool m_valid = false;
    std::unique_ptr<QSocketNotifier> m_notifier;
};

} // namespace PoolDesk
