#include "itemmodels/CsvExportJob.h"

#include "storage/Database.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QSaveFile>

Q_LOGGING_CATEGORY(lcCsvExport, "pooldesk.itemmodels.csvexport")

namespace PoolDesk {

CsvExportJob::CsvExportJob(QString path, Work work, QObject *parent)
    : QObject(parent)
    , m_path(std::move(path))
    , m_work(std::move(work)) {}

CsvExportJob::~CsvExportJob() {
    if (m_thread) {
        m_cancel->store(true);
        m_thread->wait();
    }
}

QList<QStringList> CsvExportJob::snapshot(const QAbstractItemModel &model) {
    QList<QStringList> rows;
    const int columns = model.columnCount();
    QStringList header;
    for (int c = 0; c < columns; ++c)
        header << model.headerData(c, Qt::Horizontal, Qt::DisplayRole).toString();
    rows << header;
    for (int r = 0; r < model.rowCount(); ++r) {
        QStringList row;
        row.reserve(columns);
        for (int c = 0; c < columns; ++c)
            row << model.index(r, c).data(Qt::DisplayRole).toString();
        rows << row;
    }
    return rows;
}

CsvExportJob *CsvExportJob::fromModel(const QAbstractItemModel &model, const QString &path,
                                      CsvWriter::Options options, QObject *parent) {
    auto rows = std::make_shared<QList<QStringList>>(snapshot(model));
    Work work = [rows, options](QIODevice &device, const std::function<void(qint64, qint64)> &progress,
                                const std::atomic<bool> *cancel) -> Result<qint64> {
        CsvWriter writer(device, options);
        const qint64 total = rows->size() - 1;
        qint64 done = 0;
        for (const QStringList &row : *rows) {
            if (cancel->load())
                return makeError(Error::Code::Cancelled, tr("The export was cancelled."));
            writer.writeRow(row);
            if (++done % 1000 == 0)
                progress(done - 1, total);
        }
        if (!writer.flush())
            return makeError(Error::Code::Storage,
                             tr("Writing the CSV file failed: %1.").arg(device.errorString()));
        progress(total, total);
        return total;
    };
    return new CsvExportJob(path, std::move(work), parent);
}

CsvExportJob *CsvExportJob::calls(const Database &database, const CallFilter &filter, CallSort sort,
                                  Qt::SortOrder order, const QString &path, CsvWriter::Options options,
                                  QObject *parent) {
    const DatabaseUrl url = database.url();
    Work work = [url, filter, sort, order, options](QIODevice &device,
                                                    const std::function<void(qint64, qint64)> &progress,
                                                    const std::atomic<bool> *cancel) -> Result<qint64> {
        auto db = Database::open(url, Database::Migrate::No);
        if (!db)
            return db.error();
        CallHistory::ExportOptions exportOptions;
        exportOptions.csv = options;
        exportOptions.sort = sort;
        exportOptions.order = order;
        return CallHistory::exportCsv(*db.value(), filter, device, exportOptions, progress, cancel);
    };
    return new CsvExportJob(path, std::move(work), parent);
}

CsvExportJob *CsvExportJob::audit(const Database &database, const AuditFilter &filter, Qt::SortOrder order,
                                  const QString &path, CsvWriter::Options options, QObject *parent) {
    const DatabaseUrl url = database.url();
    Work work = [url, filter, order, options](QIODevice &device,
                                              const std::function<void(qint64, qint64)> &progress,
                                              const std::atomic<bool> *cancel) -> Result<qint64> {
        auto db = Database::open(url, Database::Migrate::No);
        if (!db)
            return db.error();
        return AuditTableModel::exportCsv(*db.value(), filter, order, device, options, progress, cancel);
    };
    return new CsvExportJob(path, std::move(work), parent);
}

bool CsvExportJob::isRunning() const {
    return m_thread && m_thread->isRunning();
}

void CsvExportJob::cancel() {
    m_cancel->store(true);
}

void CsvExportJob::start() {
    if (m_thread)
        return;
    const QString path = m_path;
    Work work = m_work;
    auto cancelFlag = m_cancel;
    m_thread.reset(QThread::create([this, path, work, cancelFlag] {
        QSaveFile file(path);
        Result<qint64> result = makeError(Error::Code::Storage, QString());
        if (!file.open(QIODevice::WriteOnly)) {
            result = makeError(
                Error::Code::Storage,
                tr("Cannot write %1: %2. Choose a folder you can write to.").arg(path, file.errorString()));
        } else {
            // Signals cross to the job's thread (queued): throttle to a few per second.
            qint64 lastEmit = -1;
            QElapsedTimer clock;
            clock.start();
            result = work(
                file,
                [this, &lastEmit, &clock](qint64 done, qint64 total) {
                    if (lastEmit < 0 || clock.elapsed() - lastEmit >= 100 || done == total) {
                        lastEmit = clock.elapsed();
                        emit progress(done, total);
                    }
                },
                cancelFlag.get());
            if (result && !file.commit())
                result =
                    makeError(Error::Code::Storage, tr("Cannot write %1: %2.").arg(path, file.errorString()));
            else if (!result)
                file.cancelWriting();
        }
        const bool ok = result.ok();
        const QString message = ok ? QString() : result.error().message;
        const qint64 rows = ok ? result.value() : 0;
        if (!ok)
            qCWarning(lcCsvExport) << "CSV export to" << path << "failed:" << message;
        QMetaObject::invokeMethod(
            this, [this, ok, message, rows] { emit finished(ok, message, rows); }, Qt::QueuedConnection);
    }));
    m_thread->start();
}

} // namespace PoolDesk
