#pragma once

#include "domain/Result.h"

#include <QObject>
#include <QPointer>

class QWidget;

namespace PoolDesk::Ui {

class MessageWidget;
class Task;
class Workspace;

// The first-start flow: an empty database (no companies) is offered the demo workspace. Creating
// it runs on a worker thread behind a progress dialog with Cancel; the outcome shows in the
// banner. Declining leaves a banner action so the user can change their mind.
class DemoWorkspaceOffer final : public QObject {
    Q_OBJECT
public:
    DemoWorkspaceOffer(Workspace &workspace, QWidget *window, MessageWidget *banner,
                       QObject *parent = nullptr);

    // True when the database has no companies (and so no real data to mix with).
    bool databaseIsEmpty();
    // Asks (through MessageBox, so tests can pre-answer) and creates on acceptance.
    void offer();
    // Creates without asking.
    void create();
    bool isRunning() const { return m_task != nullptr; }

signals:
    void finished(bool created);

private:
    Workspace &m_workspace;
    QPointer<QWidget> m_window;
    QPointer<MessageWidget> m_banner;
    QPointer<Task> m_task;
};

} // namespace PoolDesk::Ui
