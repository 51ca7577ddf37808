#pragma once

#include "billing/CallHistory.h"
#include "billing/CsvWriter.h"
#include "domain/Result.h"
#include "itemmodels/AuditTableModel.h"
#include "storage/DatabaseUrl.h"

#include <QAbstractItemModel>
#include <QObject>
#include <QThread>

#include <atomic>
#include <functional>
#include <memory>

namespace PoolDesk {

class Database;

// Writes a CSV file on a worker thread, with progress and cancel, so the window never waits.
// The file is written through QSaveFile: a cancelled or failed export leaves no partial file.
//
// How a view uses it:
//   auto *job = CsvExportJob::calls(database, callsModel->filter(), callsModel->callSort(),
//                                   callsModel->sortOrder(), path, {bom}, this);  // straight from SQL
//   // or CsvExportJob::fromModel(*anyModel, path, {bom}, this) for what a small model shows
//   connect(job, &CsvExportJob::progress, progressBar, ...);   // (rows done, total or -1)
//   connect(cancelButton, &QPushButton::clicked, job, &CsvExportJob::cancel);
//   connect(job, &CsvExportJob::finished, this, [](bool ok, const QString &message, qint64 rows) {...});
//   job->start();
// finished(ok=false) carries a translated message; a cancel reports ok=false with Cancelled's text.
// The job deletes nothing by itself: parent it, or deleteLater() it in the finished handler.
class CsvExportJob final : public QObject {
    Q_OBJECT
public:
    // What a table model shows, in its row order (a view's proxy model keeps its sort and filter):
    // the header, then each row's DisplayRole text. Read on the calling thread (keep it to models
    // of thousands of rows; the calls history uses calls()), written on the worker.
    static CsvExportJob *fromModel(const QAbstractItemModel &model, const QString &path,
                                   CsvWriter::Options options, QObject *parent = nullptr);
    // The call history with a filter and order, read by the worker through its own connection.
    static CsvExportJob *calls(const Database &database, const CallFilter &filter, CallSort sort,
                               Qt::SortOrder order, const QString &path, CsvWriter::Options options,
                               QObject *parent = nullptr);
    static CsvExportJob *audit(const Database &database, const AuditFilter &filter, Qt::SortOrder order,
                               const QString &path, CsvWriter::Options options, QObject *parent = nullptr);
    ~CsvExportJob() override;

    void start();
    bool isRunning() const;
    QString path() const { return m_path; }

    // Copies what the model shows into rows of text (the header first).
    static QList<QStringList> snapshot(const QAbstractItemModel &model);

public slots:
    void cancel();

signals:
    void progress(qint64 rows, qint64 total);
    void finished(bool ok, const QString &message, qint64 rows);

private:
    using Work = std::function<Result<qint64>(QIODevice &, const std::function<void(qint64, qint64)> &,
                                              const std::atomic<bool> *)>;
    CsvExportJob(QString path, Work work, QObject *parent);

    QString m_path;
    Work m_work;
    std::shared_ptr<std::atomic<bool>> m_cancel = std::make_shared<std::atomic<bool>>(false);
    std::unique_ptr<QThread> m_thread;
};

} // namespace PoolDesk
