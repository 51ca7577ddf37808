#pragma once

#include "billing/CsvWriter.h"
#include "domain/Result.h"

#include <QString>

#include <atomic>
#include <functional>

class QAbstractItemModel;
class QIODevice;
class QWidget;

namespace PoolDesk {
class Database;
}

namespace PoolDesk::Ui {

class View;
class Workspace;

// CSV export of what a view shows (its filters and sort order): asks for the file and whether to
// add a byte-order mark (Excel needs it to read Japanese text), writes on a worker thread into a
// temporary file with progress and Cancel (a cancelled or failed export leaves no half file), and
// reports the result in the banner through the view.
namespace ExportFlow {

// Writes the CSV (RFC 4180, UTF-8, formula-safe: CsvWriter) to the device, on a worker thread.
// progress(rows, total) with total -1 when unknown; cancel polled between rows or pages.
using Writer = std::function<Result<qint64>(Database &db, QIODevice &device, CsvWriter::Options options,
                                            const std::function<void(qint64, qint64)> &progress,
                                            const std::atomic<bool> *cancel)>;

// suggestedName: the file name offered, without extension ("pool", "calls-2026-11").
void exportWith(View *view, Workspace &workspace, const QString &suggestedName, Writer writer);
// A table already in memory (pool, companies, a cost report): the rows as shown, in the order
// shown, hidden columns left out. Whole numbers are written as numbers, everything else as the text
// on screen.
void exportModel(View *view, Workspace &workspace, QAbstractItemModel *model, const QString &suggestedName,
                 const QList<int> &hiddenColumns = {});
// The same rows as exportModel would write, for tests.
QList<QStringList> snapshot(QAbstractItemModel *model, const QList<int> &hiddenColumns = {});

// For tests and scripting: the next export skips the file dialog.
void setNextFileName(const QString &path, bool byteOrderMark);

} // namespace ExportFlow
} // namespace PoolDesk::Ui
