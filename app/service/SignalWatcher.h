#pragma once

#include <QObject>
#include <QSocketNotifier>

#include <memory>

namespace PoolDesk {

// Turns SIGTERM and SIGINT into a Qt signal: the handler only writes a byte to a pipe, the event
// loop does the rest.
class SignalWatcher final : public QObject {
    Q_OBJECT
public:
    explicit SignalWatcher(QObject *parent = nullptr);
    ~SignalWatcher() override;
    bool isValid() const { return m_notifier != nullptr; }

signals:
    void terminationRequested(int signalNumber);

private:
    void readSignal();
    std::unique_ptr<QSocketNotifier> m_notifier;
};

} // namespace PoolDesk
