#include "itemmodels/AuditTableModel.h"

#include "itemmodels/SqlText.h"
#include "storage/Database.h"
#include "storage/SqlHelpers.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QLoggingCategory>
#include <QSqlQuery>

Q_LOGGING_CATEGORY(lcAuditModel, "pooldesk.itemmodels.audit")

namespace PoolDesk {

AuditTableModel::AuditTableModel(Database &database, QObject *parent)
    : QAbstractTableModel(parent)
    , m_thread(std::make_unique<QueryThread>(database.url())) {
    requestPage(true);
}

AuditTableModel::~AuditTableModel() = default;

int AuditTableModel::rowCount(const QModelIndex &parent) const {
    Q_ASSERT(checkIndex(parent));
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int AuditTableModel::columnCount(const QModelIndex &parent) const {
    Q_ASSERT(checkIndex(parent));
    return parent.isValid() ? 0 : static_cast<int>(Column::Count);
}

const AuditRow *AuditTableModel::rowAt(int row) const {
    return row >= 0 && row < m_rows.size() ? &m_rows[row] : nullptr;
}

QString AuditTableModel::changeSummary(const QString &beforeJson, const QString &afterJson) {
    const QJsonObject before = QJsonDocument::fromJson(beforeJson.toUtf8()).object();
    const QJsonObject after = QJsonDocument::fromJson(afterJson.toUtf8()).object();
    QStringList keys = before.keys() + after.keys();
    keys.removeDuplicates();
    keys.sort();
    auto text = [](const QJsonValue &value) {
        if (value.isUndefined() || value.isNull())
            return QStringLiteral("-");
        if (value.isString())
            return value.toString();
        if (value.isDouble())
            return QString::number(value.toDouble(), 'g', 15);
        if (value.isBool())
            return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
        return QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
    };
    QStringList parts;
    for (const QString &key : keys) {
        const QJsonValue a = before.value(key);
        const QJsonValue b = after.value(key);
        if (a == b)
            continue;
        if (before.isEmpty())
            parts << key + QStringLiteral(": ") + text(b);
        else if (after.isEmpty())
            parts << key + QStringLiteral(": ") + text(a);
        else
            parts << key + QStringLiteral(": ") + text(a) + QStringLiteral(" → ") + text(b);
    }
    return parts.join(QStringLiteral("; "));
}

QVariant AuditTableModel::data(const QModelIndex &index, int role) const {
    Q_ASSERT(checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid));
    const AuditRow &row = m_rows[index.row()];
    const auto column = static_cast<Column>(index.column());
    if (role == RowIdRole)
        return row.id;
    if (role == Qt::ToolTipRole && column == Column::Change)
        return tr("Before: %1\nAfter: %2")
            .arg(row.beforeJson.isEmpty() ? tr("(nothing)") : row.beforeJson,
                 row.afterJson.isEmpty() ? tr("(nothing)") : row.afterJson);
    if (role != Qt::DisplayRole && role != UnderlyingDataRole)
        return {};
    const bool raw = role == UnderlyingDataRole;
    switch (column) {
    case Column::Time:
        return raw ? QVariant(row.at)
                   : QVariant(
                         QLocale().toString(QDateTime::fromSecsSinceEpoch(row.at), QLocale::ShortFormat));
    case Column::Actor:
        return row.actor;
    case Column::Action:
        return row.action;
    case Column::Target:
        return row.target;
    case Column::Company:
        if (raw)
            return row.companyId ? QVariant(*row.companyId) : QVariant();
        return row.companyName;
    case Column::Change:
        return raw ? QVariant(row.afterJson) : QVariant(changeSummary(row.beforeJson, row.afterJson));
    case Column::Count:
        break;
    }
    return {};
}

QVariant AuditTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole || section < 0 ||
        section >= static_cast<int>(Column::Count))
        return {};
    switch (static_cast<Column>(section)) {
    case Column::Time:
        return tr("Time");
    case Column::Actor:
        return tr("Who");
    case Column::Action:
        return tr("Action");
    case Column::Target:
        return tr("Target");
    case Column::Company:
        return tr("Company");
    case Column::Change:
        return tr("Change");
    case Column::Count:
        break;
    }
    return {};
}

void AuditTableModel::sort(int column, Qt::SortOrder order) {
    Q_UNUSED(column);
    // Every column sorts by time: the log is read in pages by (at, id).
    const Qt::SortOrder wanted = order == Qt::AscendingOrder ? Qt::AscendingOrder : Qt::DescendingOrder;
    if (wanted == m_order)
        return;
    m_order = wanted;
    requestPage(true);
}

void AuditTableModel::setFilter(const AuditFilter &filter) {
    if (filter == m_filter)
        return;
    m_filter = filter;
    requestPage(true);
}

void AuditTableModel::refresh() {
    requestPage(true);
}

bool AuditTableModel::canFetchMore(const QModelIndex &parent) const {
    Q_ASSERT(checkIndex(parent));
    return !parent.isValid() && !m_atEnd && !m_loading;
}

void AuditTableModel::fetchMore(const QModelIndex &parent) {
    Q_ASSERT(checkIndex(parent));
    if (!parent.isValid() && !m_atEnd && !m_fetching && !m_loading)
        requestPage(false);
}

void AuditTableModel::requestPage(bool first) {
    const quint64 ticket = first ? m_generation.next() : m_generation.current();
    auto isCurrent = m_generation.isCurrent(ticket);
    m_fetching = true;
    if (first && !m_loading) {
        m_loading = true;
        emit loadingChanged(true);
    }
    std::optional<std::pair<qint64, qint64>> after;
    if (!first && !m_rows.isEmpty())
        after = std::make_pair(m_rows.constLast().at, m_rows.constLast().id);
    const AuditFilter filter = m_filter;
    const Qt::SortOrder order = m_order;
    const int limit = m_pageSize;
    m_thread->run<QList<AuditRow>>(
        [=](Database &db) -> Result<QList<AuditRow>> {
            if (!isCurrent())
                return makeError(Error::Code::Cancelled, QString());
            return page(db, filter, order, after, limit);
        },
        [this, ticket, first, limit](Result<QList<AuditRow>> result) {
            if (ticket != m_generation.current())
                return;
            if (!result) {
                m_fetching = false;
                qCWarning(lcAuditModel) << "reading the audit log failed:" << result.error().message;
                if (m_loading) {
                    m_loading = false;
                    emit loadingChanged(false);
                }
                emit loadFailed(result.error().message);
                return;
            }
            QList<AuditRow> rows = std::move(result).value();
            m_atEnd = rows.size() < limit;
            if (first) {
                beginResetModel();
                m_rows = std::move(rows);
                endResetModel();
                m_fetching = false;
                m_loading = false;
                emit loadingChanged(false);
                emit loaded();
            } else if (!rows.isEmpty()) {
                const int begin = static_cast<int>(m_rows.size());
                beginInsertRows({}, begin, begin + static_cast<int>(rows.size()) - 1);
                m_rows += std::move(rows);
                endInsertRows();
            }
            // Only now: a view may ask for more from inside the insert signals.
            m_fetching = false;
        });
}

static void appendAuditFilter(const AuditFilter &filter, QString &sql, QVariantList &bindings) {
    if (filter.fromSecs) {
        sql += QStringLiteral(" AND a.at >= ?");
        bindings << *filter.fromSecs;
    }
    if (filter.toSecs) {
        sql += QStringLiteral(" AND a.at < ?");
        bindings << *filter.toSecs;
    }
    if (!filter.actor.trimmed().isEmpty()) {
        sql += QStringLiteral(" AND LOWER(a.actor) LIKE ? ESCAPE '\\'");
        bindings << SqlText::containsPattern(filter.actor.trimmed());
    }
    const QString action = filter.action.trimmed();
    if (action.endsWith(QLatin1Char('.'))) {
        QString pattern = SqlText::containsPattern(action);
        pattern.remove(0, 1); // "number.%": a prefix
        sql += QStringLiteral(" AND a.action LIKE ? ESCAPE '\\'");
        bindings << pattern;
    } else if (!action.isEmpty()) {
        sql += QStringLiteral(" AND a.action = ?");
        bindings << action;
    }
    if (filter.companyId) {
        sql += QStringLiteral(" AND a.company_id = ?");
        bindings << *filter.companyId;
    }
}

Result<QList<AuditRow>> AuditTableModel::page(Database &db, const AuditFilter &filter, Qt::SortOrder order,
                                              std::optional<std::pair<qint64, qint64>> after, int limit) {
    QString sql = QStringLiteral("SELECT a.id, a.at, a.actor, a.action, a.target, a.company_id, c.name, "
                                 "a.before_json, a.after_json FROM audit_log a "
                                 "LEFT JOIN companies c ON c.id = a.company_id WHERE 1 = 1");
    QVariantList bindings;
    appendAuditFilter(filter, sql, bindings);
    const bool descending = order == Qt::DescendingOrder;
    if (after) {
        sql += descending ? QStringLiteral(" AND (a.at, a.id) < (?, ?)")
                          : QStringLiteral(" AND (a.at, a.id) > (?, ?)");
        bindings << after->first << after->second;
    }
    sql += descending ? QStringLiteral(" ORDER BY a.at DESC, a.id DESC")
                      : QStringLiteral(" ORDER BY a.at, a.id");
    sql += QStringLiteral(" LIMIT ") + QString::number(std::max(1, limit));
    QSqlQuery query(db.connection());
    query.setForwardOnly(true);
    if (!query.prepare(sql))
        return Sql::storageError(query);
    for (const QVariant &value : bindings)
        query.addBindValue(value);
    if (!query.exec())
        return Sql::storageError(query);
    QList<AuditRow> rows;
    while (query.next()) {
        AuditRow row;
        row.id = query.value(0).toLongLong();
        row.at = query.value(1).toLongLong();
        row.actor = query.value(2).toString();
        row.action = query.value(3).toString();
        row.target = query.value(4).toString();
        row.companyId = Sql::optionalInt(query.value(5));
        row.companyName = query.value(6).toString();
        row.beforeJson = query.value(7).toString();
        row.afterJson = query.value(8).toString();
        rows.append(std::move(row));
    }
    return rows;
}

Result<qint64> AuditTableModel::exportCsv(Database &db, const AuditFilter &filter, Qt::SortOrder order,
                                          QIODevice &device, CsvWriter::Options options,
                                          const std::function<void(qint64, qint64)> &progress,
                                          const std::atomic<bool> *cancel) {
    CsvWriter writer(device, options);
    writer.writeRow(
        {tr("Time (UTC)"), tr("Who"), tr("Action"), tr("Target"), tr("Company"), tr("Before"), tr("After")});
    std::optional<std::pair<qint64, qint64>> after;
    qint64 written = 0;
    for (;;) {
        if (cancel && cancel->load())
            return makeError(Error::Code::Cancelled, tr("The export was cancelled."));
        auto rows = page(db, filter, order, after, 5000);
        if (!rows)
            return rows.error();
        for (const AuditRow &row : rows.value()) {
            writer.writeRow({QDateTime::fromSecsSinceEpoch(row.at, Qt::UTC).toString(Qt::ISODate), row.actor,
                             row.action, row.target, row.companyName, row.beforeJson, row.afterJson});
        }
        written += rows->size();
        if (progress)
            progress(written, -1);
        if (rows->size() < 5000 || writer.failed())
            break;
        after = std::make_pair(rows->constLast().at, rows->constLast().id);
    }
    if (!writer.flush())
        return makeError(Error::Code::Storage,
                         tr("Writing the CSV file failed: %1.").arg(device.errorString()));
    return written;
}

} // namespace PoolDesk
