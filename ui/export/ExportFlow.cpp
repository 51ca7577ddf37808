#include "export/ExportFlow.h"

#include "Workspace.h"
#include "common/Format.h"
#include "common/TaskRunner.h"
#include "common/View.h"
#include "itemmodels/ItemRoles.h"
#include "storage/AuditLog.h"

#include <QAbstractItemModel>
#include <QCheckBox>
#include <QCoreApplication>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QSaveFile>
#include <QSettings>
#include <QStandardPaths>
#include <QVBoxLayout>

#include <algorithm>
#include <limits>
#include <optional>

namespace PoolDesk::Ui::ExportFlow {

namespace {

struct Target {
    QString path;
    bool bom = true;
};

std::optional<Target> nextTarget;

// The file and BOM choice, remembered per user; nullopt when cancelled.
std::optional<Target> askTarget(QWidget *parent, const QString &suggestedName) {
    if (nextTarget) {
        auto target = nextTarget;
        nextTarget.reset();
        return target;
    }
    QSettings settings;
    QString folder = settings.value(QStringLiteral("export/folder")).toString();
    if (folder.isEmpty() || !QDir(folder).exists())
        folder = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    const QString fileName =
        QStringLiteral("%1-%2.csv")
            .arg(suggestedName, QDate::currentDate().toString(QStringLiteral("yyyyMMdd")));

    QDialog dialog(parent);
    dialog.setObjectName(QStringLiteral("exportCsvDialog"));
    dialog.setWindowTitle(QCoreApplication::translate("ExportFlow", "Export as CSV"));
    auto *layout = new QVBoxLayout(&dialog);
    auto *row = new QHBoxLayout;
    auto *path = new QLineEdit(QDir(folder).filePath(fileName), &dialog);
    path->setObjectName(QStringLiteral("exportPathLineEdit"));
    path->setMinimumWidth(420);
    auto *browse = new QPushButton(QCoreApplication::translate("ExportFlow", "&Browse…"), &dialog);
    browse->setObjectName(QStringLiteral("exportBrowseButton"));
    auto *label = new QLabel(QCoreApplication::translate("ExportFlow", "&File:"), &dialog);
    label->setBuddy(path);
    row->addWidget(label);
    row->addWidget(path, 1);
    row->addWidget(browse);
    layout->addLayout(row);
    auto *bom = new QCheckBox(
        QCoreApplication::translate("ExportFlow", "Add a byte-order mark (Excel needs it to show Japanese "
                                                  "text correctly)"),
        &dialog);
    bom->setObjectName(QStringLiteral("exportBomCheckBox"));
    bom->setChecked(settings.value(QStringLiteral("export/bom"), true).toBool());
    layout->addWidget(bom);
    auto *note = new QLabel(
        QCoreApplication::translate("ExportFlow", "Exports the rows the view shows, with its filters and "
                                                  "order, as UTF-8 CSV."),
        &dialog);
    note->setForegroundRole(QPalette::PlaceholderText);
    note->setWordWrap(true);
    layout->addWidget(note);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    buttons->button(QDialogButtonBox::Ok)->setText(QCoreApplication::translate("ExportFlow", "Export"));
    layout->addWidget(buttons);
    QObject::connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    QObject::connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    QObject::connect(browse, &QPushButton::clicked, &dialog, [&dialog, path] {
        const QString chosen = QFileDialog::getSaveFileName(
            &dialog, QCoreApplication::translate("ExportFlow", "Export as CSV"), path->text(),
            QCoreApplication::translate("ExportFlow", "CSV files (*.csv);;All files (*)"));
        if (!chosen.isEmpty())
            path->setText(chosen);
    });
    if (dialog.exec() != QDialog::Accepted || path->text().trimmed().isEmpty())
        return std::nullopt;
    Target target{path->text().trimmed(), bom->isChecked()};
    if (QFileInfo(target.path).suffix().isEmpty())
        target.path += QStringLiteral(".csv");
    settings.setValue(QStringLiteral("export/folder"), QFileInfo(target.path).absolutePath());
    settings.setValue(QStringLiteral("export/bom"), target.bom);
    return target;
}

bool isWholeNumber(const QVariant &value) {
    switch (value.typeId()) {
    case QMetaType::Int:
    case QMetaType::UInt:
    case QMetaType::LongLong:
    case QMetaType::ULongLong:
        return true;
    default:
        return false;
    }
}

} // namespace

void setNextFileName(const QString &path, bool byteOrderMark) {
    nextTarget = Target{path, byteOrderMark};
}

void exportWith(View *view, Workspace &workspace, const QString &suggestedName, Writer writer) {
    const auto target = askTarget(view, suggestedName);
    if (!target)
        return;
    const QString path = target->path;
    const bool bom = target->bom;
    const Actor actor = workspace.actor();
    QPointer<View> guard(view);
    Task *task = workspace.tasks().run<qint64>(
        view,
        [path, bom, writer, actor, suggestedName](Database &db,
                                                  const TaskControl &control) -> Result<qint64> {
            QSaveFile file(path);
            if (!file.open(QIODevice::WriteOnly))
                return makeError(Error::Code::InvalidInput,
                                 QCoreApplication::translate("ExportFlow",
                                                             "Cannot write %1: %2. Choose another "
                                                             "folder or file name.")
                                     .arg(QDir::toNativeSeparators(path), file.errorString()));
            std::atomic<bool> cancel{false};
            auto progress = [&control, &cancel](qint64 rows, qint64 total) {
                if (total > 0)
                    control.setProgress(int(std::min<qint64>(99, rows * 100 / total)));
                if (control.isCancelled())
                    cancel.store(true);
            };
            auto written = writer(db, file, CsvWriter::Options{bom}, progress, &cancel);
            if (!written) {
                file.cancelWriting();
                return written;
            }
            if (control.isCancelled()) {
                file.cancelWriting();
                return makeError(
                    Error::Code::Cancelled,
                    QCoreApplication::translate("ExportFlow", "Export cancelled; no file was written."));
            }
            // Data that leaves PoolDesk is a sensitive read: the log says who took what, and where.
            if (auto audited =
                    AuditLog::recordRead(db, actor, QStringLiteral("export.csv"), suggestedName, std::nullopt,
                                         {{QStringLiteral("file"), QDir::toNativeSeparators(path)},
                                          {QStringLiteral("rows"), written.value()}});
                !audited) {
                file.cancelWriting();
                return audited.error();
            }
            if (!file.commit())
                return makeError(Error::Code::Storage,
                                 QCoreApplication::translate("ExportFlow", "Cannot save %1: %2")
                                     .arg(QDir::toNativeSeparators(path), file.errorString()));
            return written;
        },
        [guard, path](Result<qint64> result) {
            if (!guard)
                return;
            if (!result) {
                emit guard->message(result.error().message, result.error().code == Error::Code::Cancelled
                                                                ? MessageWidget::Type::Information
                                                                : MessageWidget::Type::Error);
                return;
            }
            const int rows = int(std::min<qint64>(result.value(), std::numeric_limits<int>::max()));
            emit guard->message(QCoreApplication::translate("ExportFlow",
                                                            "Exported %Ln row(s) to <a href=\"%1\">%2</a>.",
                                                            nullptr, rows)
                                    .arg(QUrl::fromLocalFile(QFileInfo(path).absolutePath()).toString(),
                                         QDir::toNativeSeparators(path).toHtmlEscaped()),
                                MessageWidget::Type::Positive);
        });
    showProgress(
        task, view,
        QCoreApplication::translate("ExportFlow", "Exporting to %1…").arg(QFileInfo(path).fileName()));
}

// Whole numbers are marked with a leading U+0001 (never in display text) so the writer can emit
// them as numbers.
static const QChar NumberMark(0x01);

static QList<QStringList> markedSnapshot(QAbstractItemModel *model, const QList<int> &hiddenColumns) {
    QList<QStringList> rows;
    QList<int> columns;
    QStringList header;
    for (int c = 0; c < model->columnCount(); ++c) {
        if (hiddenColumns.contains(c))
            continue;
        columns.append(c);
        header.append(model->headerData(c, Qt::Horizontal).toString());
    }
    rows.append(header);
    for (int r = 0; r < model->rowCount(); ++r) {
        QStringList cells;
        for (int c : std::as_const(columns)) {
            const QModelIndex index = model->index(r, c);
            const QVariant raw = index.data(UnderlyingDataRole);
            // Whole numbers as numbers (Excel can sum them); everything else as shown.
            cells.append(isWholeNumber(raw) && raw.toLongLong() != 0 &&
                                 QString(index.data().toString()).remove(QLocale().groupSeparator()) ==
                                     QString::number(raw.toLongLong())
                             ? NumberMark + QString::number(raw.toLongLong())
                             : index.data().toString());
        }
        rows.append(cells);
    }
    return rows;
}

QList<QStringList> snapshot(QAbstractItemModel *model, const QList<int> &hiddenColumns) {
    QList<QStringList> rows = markedSnapshot(model, hiddenColumns);
    for (QStringList &row : rows)
        for (QString &cell : row)
            if (cell.startsWith(NumberMark))
                cell.remove(0, 1);
    return rows;
}

void exportModel(View *view, Workspace &workspace, QAbstractItemModel *model, const QString &suggestedName,
                 const QList<int> &hiddenColumns) {
    // Read the model on the GUI thread (it lives there), write on the worker.
    const QList<QStringList> rows = markedSnapshot(model, hiddenColumns);
    exportWith(view, workspace, suggestedName,
               [rows](Database &, QIODevice &device, CsvWriter::Options options,
                      const std::function<void(qint64, qint64)> &progress,
                      const std::atomic<bool> *cancel) -> Result<qint64> {
                   CsvWriter writer(device, options);
                   qint64 written = 0;
                   const qint64 total = rows.size() - 1;
                   for (int r = 0; r < rows.size(); ++r) {
                       for (const QString &cell : rows.at(r)) {
                           if (cell.startsWith(NumberMark))
                               writer.addNumber(cell.mid(1));
                           else
                               writer.addText(cell);
                       }
                       if (!writer.endRow())
                           return makeError(
                               Error::Code::Storage,
                               QCoreApplication::translate("ExportFlow",
                                                           "Writing the file failed (is the disk full?)."));
                       if (r > 0)
                           ++written;
                       if (r % 1000 == 0) {
                           progress(written, total);
                           if (cancel && cancel->load())
                               return makeError(Error::Code::Cancelled,
                                                QCoreApplication::translate(
                                                    "ExportFlow", "Export cancelled; no file was written."));
                       }
                   }
                   if (!writer.flush())
                       return makeError(Error::Code::Storage,
                                        QCoreApplication::translate(
                                            "ExportFlow", "Writing the file failed (is the disk full?)."));
                   return written;
               });
}

} // namespace PoolDesk::Ui::ExportFlow
