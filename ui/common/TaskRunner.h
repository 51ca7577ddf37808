#pragma once

#include "domain/Result.h"
#include "storage/Database.h"
#include "storage/DatabaseUrl.h"

#include <QObject>
#include <QPointer>
#include <QThread>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>

class QProgressDialog;
class QWidget;

namespace PoolDesk::Ui {

// What a background job sees: whether the user cancelled, and a way to report progress.
class TaskControl final {
public:
    bool isCancelled() const { return m_cancelled && m_cancelled->load(); }
    // Thread-safe; delivered to Task::progress on the GUI thread. 0..100.
    void setProgress(int percent) const {
        if (m_report)
            m_report(percent);
    }

private:
    friend class TaskRunner;
    std::shared_ptr<std::atomic_bool> m_cancelled;
    std::function<void(int)> m_report;
};

// A running background job, living on the GUI thread until its result has been delivered.
class Task final : public QObject {
    Q_OBJECT
public:
    explicit Task(QObject *parent = nullptr)
        : QObject(parent) {}
    void cancel() { m_cancelled->store(true); }
    bool isCancelled() const { return m_cancelled->load(); }

signals:
    void progress(int percent);
    void finished();

private:
    friend class TaskRunner;
    std::shared_ptr<std::atomic_bool> m_cancelled = std::make_shared<std::atomic_bool>(false);
};

// Runs heavy work (reports, exports, the demo workspace) on worker threads so the window never
// freezes. Each job gets its own database connection, opened and closed on its thread (a
// connection belongs to one thread). The result is handed back on the GUI thread, unless the
// context object has been destroyed in the meantime.
class TaskRunner final : public QObject {
    Q_OBJECT
public:
    explicit TaskRunner(DatabaseUrl url, QObject *parent = nullptr);
    ~TaskRunner() override; // cancels and waits for every job

    template <typename T>
    Task *run(QObject *context, std::function<Result<T>(Database &, const TaskControl &)> job,
              std::function<void(Result<T>)> done) {
        return start(context,
                     [job = std::move(job),
                      done = std::move(done)](Database *db, const Error *openError,
                                              const TaskControl &control) -> std::function<void()> {
                         auto result = std::make_shared<std::optional<Result<T>>>();
                         if (openError)
                             result->emplace(*openError);
                         else
                             result->emplace(job(*db, control));
                         return [done, result] { done(std::move(**result)); };
                     });
    }

    int runningCount() const;
    void cancelAll();
    // Waits for every job and delivers the results (tests, shutdown).
    void waitForAll();

signals:
    void busyChanged(bool busy);

private:
    using ErasedJob = std::function<std::function<void()>(Database *, const Error *, const TaskControl &)>;
    Task *start(QObject *context, ErasedJob job);

    DatabaseUrl m_url;
    QList<QPointer<QThread>> m_threads;
    QList<QPointer<Task>> m_tasks;
};

// A window-modal progress dialog for a task, with a Cancel button that cancels it. Appears only
// when the task takes longer than a moment; closes itself when the task finishes.
QProgressDialog *showProgress(Task *task, QWidget *parent, const QString &label);

} // namespace PoolDesk::Ui
