#include "firststart/DemoWorkspaceOffer.h"

#include "Workspace.h"
#include "common/MessageBox.h"
#include "common/MessageWidget.h"
#include "common/TaskRunner.h"
#include "pool/Companies.h"
#include "pool/DemoWorkspace.h"

#include <QProgressDialog>

namespace PoolDesk::Ui {

DemoWorkspaceOffer::DemoWorkspaceOffer(Workspace &workspace, QWidget *window, MessageWidget *banner,
                                       QObject *parent)
    : QObject(parent)
    , m_workspace(workspace)
    , m_window(window)
    , m_banner(banner) {}

bool DemoWorkspaceOffer::databaseIsEmpty() {
    auto companies = Companies(m_workspace.database()).list();
    return companies && companies.value().isEmpty();
}

void DemoWorkspaceOffer::offer() {
    const bool accepted = MessageBox::confirm(
        m_window, tr("Welcome to PoolDesk"),
        tr("This database has no companies yet.\n\n"
           "Create a demo workspace to explore PoolDesk? It adds sample companies of each "
           "plan, dedicated and shared numbers in both environments, and 90 days of calls. "
           "You can start over with an empty database at any time."),
        tr("Create demo workspace"));
    if (accepted) {
        create();
        return;
    }
    if (m_banner) {
        m_banner->showMessage(
            tr("The database is empty. Add a company and numbers to start, or create the demo "
               "workspace to look around."),
            MessageWidget::Type::Information, 0);
        m_banner->setAction(tr("Create demo workspace"), [this] { create(); });
    }
    emit finished(false);
}

void DemoWorkspaceOffer::create() {
    if (m_task)
        return;
    const Actor actor = m_workspace.actor();
    m_task = m_workspace.tasks().run<DemoSummary>(
        this,
        [actor](Database &db, const TaskControl &control) {
            return DemoWorkspace::create(db, actor, 90, [&control](int percent) {
                control.setProgress(percent);
                return !control.isCancelled();
            });
        },
        [this](Result<DemoSummary> result) {
            m_task = nullptr;
            if (!result) {
                if (m_banner) {
                    const bool cancelled = result.error().code == Error::Code::Cancelled;
                    m_banner->showMessage(
                        cancelled ? tr("Creating the demo workspace was cancelled; nothing was "
                                       "added.")
                                  : tr("Could not create the demo workspace: %1").arg(result.error().message),
                        cancelled ? MessageWidget::Type::Information : MessageWidget::Type::Error);
                }
                emit finished(false);
                return;
            }
            const DemoSummary summary = result.value();
            if (m_banner)
                m_banner->showMessage(summary.text(), MessageWidget::Type::Positive);
            // The demo's traffic is in Production: show it there, not in an almost empty Development.
            m_workspace.setEnvironment(ProductionEnvironment);
            m_workspace.notifyChanged();
            emit finished(true);
        });
    if (m_window)
        showProgress(m_task, m_window, tr("Creating the demo workspace…"));
}

} // namespace PoolDesk::Ui
