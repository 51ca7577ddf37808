#include "common/TaskRunner.h"

#include <QCoreApplication>
#include <QProgressDialog>

namespace PoolDesk::Ui {

TaskRunner::TaskRunner(DatabaseUrl url, QObject *parent)
    : QObject(parent)
    , m_url(std::move(url)) {}

TaskRunner::~TaskRunner() {
    cancelAll();
    for (const QPointer<QThread> &thread : std::as_const(m_threads)) {
        if (thread)
            thread->wait();
    }
}

int TaskRunner::runningCount() const {
    int count = 0;
    for (const QPointer<Task> &task : m_tasks)
        count += task ? 1 : 0;
    return count;
}

void TaskRunner::cancelAll() {
    for (const QPointer<Task> &task : std::as_const(m_tasks)) {
        if (task)
            task->cancel();
    }
}

void TaskRunner::waitForAll() {
    const auto threads = m_threads;
    for (const QPointer<QThread> &thread : threads) {
        if (thread)
            thread->wait();
    }
    // Deliver the queued results (and the deferred deletions behind them).
    while (runningCount() > 0) {
        QCoreApplication::sendPostedEvents();
        QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
        QCoreApplication::processEvents();
    }
}

Task *TaskRunner::start(QObject *context, ErasedJob job) {
    auto *task = new Task(this);
    const bool hadContext = context != nullptr;
    QPointer<QObject> guard(context);
    TaskControl control;
    control.m_cancelled = task->m_cancelled;
    control.m_report = [task](int percent) {
        QMetaObject::invokeMethod(
            task, [task, percent] { emit task->progress(percent); }, Qt::QueuedConnection);
    };
    const DatabaseUrl url = m_url;
    QThread *thread = QThread::create([task, url, job = std::move(job), control, guard, hadContext]() {
        std::function<void()> deliver;
        {
            auto opened = Database::open(url, Database::Migrate::No);
            if (!opened) {
                const Error error = opened.error();
                deliver = job(nullptr, &error, control);
            } else {
                deliver = job(opened.value().get(), nullptr, control);
            }
        } // the connection closes on the thread that opened it
        QMetaObject::invokeMethod(
            task,
            [task, deliver, guard, hadContext] {
                if (!hadContext || guard)
                    deliver();
                emit task->finished();
            },
            Qt::QueuedConnection);
    });
    thread->setParent(this);
    thread->setObjectName(QStringLiteral("pooldesk-task"));
    connect(thread, &QThread::finished, task, &QObject::deleteLater);
    connect(thread, &QThread::finished, thread, &QObject::deleteLater);
    connect(task, &QObject::destroyed, this, [this] {
        m_tasks.removeAll(nullptr);
        m_threads.removeAll(nullptr);
        if (runningCount() == 0)
            emit busyChanged(false);
    });
    if (runningCount() == 0)
        emit busyChanged(true);
    m_tasks.append(task);
    m_threads.append(thread);
    thread->start(QThread::LowPriority);
    return task;
}

QProgressDialog *showProgress(Task *task, QWidget *parent, const QString &label) {
    auto *dialog =
        new QProgressDialog(label, QCoreApplication::translate("TaskRunner", "Cancel"), 0, 100, parent);
    dialog->setObjectName(QStringLiteral("taskProgressDialog"));
    dialog->setWindowModality(Qt::WindowModal);
    dialog->setMinimumDuration(400);
    dialog->setAutoClose(false);
    dialog->setAutoReset(false);
    dialog->setValue(0);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    QObject::connect(task, &Task::progress, dialog, &QProgressDialog::setValue);
    QObject::connect(dialog, &QProgressDialog::canceled, task, &Task::cancel);
    QObject::connect(task, &Task::finished, dialog, &QProgressDialog::close);
    return dialog;
}

} // namespace PoolDesk::Ui
