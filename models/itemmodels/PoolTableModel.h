#pragma once

#include "itemmodels/ItemRoles.h"
#include "itemmodels/KeyedTableModel.h"
#include "itemmodels/QueryThread.h"
#include "pool/Numbers.h"

#include <QDateTime>
#include <QHash>

#include <memory>

namespace PoolDesk {

class Database;

// The Pool view's model: one row per phone number.
//
// How a view uses it:
//   auto *model = new PoolTableModel(database, this);   // loads at once, off the GUI thread
//   view->setModel(model);                               // no QSortFilterProxyModel needed
//   view->setSortingEnabled(true);                       // sort() re-sorts on the worker
//   connect(changeWatcher, &ChangeWatcher::changed, model, &PoolTableModel::refresh);
//   model->setFilter(filter);                            // environment / status / company / text, in SQL
//   model->setExpectedVoiceUrl("production", "https://.../twilio/voice");  // Webhook column
// Results arrive asynchronously: loadingChanged(true/false) brackets each load, loadFailed(message)
// carries a translated error to show inline. refresh() keeps selections: unchanged rows emit
// dataChanged only, a re-sort is a layout change, only a different set of rows resets.
// Roles: DisplayRole text in the user's locale; UnderlyingDataRole raw values (see each Column);
// RowIdRole the phone_numbers id; BackgroundRole/ForegroundRole colour the Status column;
// ToolTipRole explains Kind, Holder, Webhook, Utilization and Health; TextAlignmentRole right-aligns numbers.
class PoolTableModel final : public KeyedTableModel {
    Q_OBJECT
public:
    enum class Column {
        Number,        // E.164; underlying: QString
        Environment,   // underlying: environment name
        Kind,          // "Shared" or "Dedicated: Company"; underlying: dedicated company id or null
        State,         // status, coloured; underlying: "available" / "reserved" / "in_use"
        HolderCompany, // company holding the number now; underlying: company id or null
        Operator,      // operator holding it
        Session,       // session holding it
        Since,         // when the holder reserved it; underlying: UTC seconds
        CallsToday,    // calls ended today (UTC day); underlying: qint64
        MinutesToday,  // billed minutes of calls started today (UTC); underlying: qint64
        TotalCalls,    // underlying: qint64
        TotalMinutes,  // underlying: qint64
        Utilization,   // share of the last 7 days spent in calls; underlying: double 0..1
        NextBilling,   // days to the next monthly charge (bought_at's day of month); underlying: int
        Webhook,       // voice URL against the expected one; underlying: WebhookState as int
        Health,        // Reputation's state; underlying: NumberHealth::State as int, -1 before known
        AnswerRate,    // estimated answer rate over Reputation::WindowDays; underlying: double, -1 unknown
        RestingUntil,  // underlying: UTC seconds or null
        Count
    };
    Q_ENUM(Column)

    enum class WebhookState { NoExpectation, Matches, Differs, Missing };
    Q_ENUM(WebhookState)

    struct Row {
        qint64 id = 0;
        QString e164;
        QString environment;
        QString friendlyName;
        QString twilioSid;
        std::optional<qint64> dedicatedCompanyId;
        QString dedicatedCompanyName;
        NumberStatus status = NumberStatus::Available;
        int activeCalls = 0;
        qint64 callsToday = 0;
        qint64 minutesToday = 0;
        qint64 totalCalls = 0;
        qint64 totalMinutes = 0;
        double utilization = 0.0;
        qint64 busySeconds7d = 0;
        QDateTime lastUsedAt;
        QDateTime boughtAt;
        Micros monthlyPrice = 0;
        QString voiceUrl;
        bool missingFromTwilio = false;
        bool releasing = false;
        std::optional<qint64> holderCompanyId;
        QString holderCompanyName;
        QString holderOperator;
        QString holderSession;
        QDateTime holderSince;
        QDateTime leaseExpiresAt;
        // Health (Reputation), re-read with the usage figures.
        int health = -1;
        double answerRate = -1;
        double peerRate = -1;
        qint64 callsWindow = 0;
        qint64 answeredWindow = 0;
        QDateTime restingUntil;
        QString restReason;
        int dailyCap = 0; // the caller policy's; 0: none

        bool operator==(const Row &other) const = default;
    };

    explicit PoolTableModel(Database &database, QObject *parent = nullptr);
    ~PoolTableModel() override;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

    const NumberFilter &filter() const { return m_filter; }
    void setFilter(const NumberFilter &filter);
    // The voice URL every number of the environment should have (the Twilio environment's webhook
    // base URL + voice path). Empty: no expectation, the Webhook column stays blank.
    void setExpectedVoiceUrl(const QString &environment, const QString &url);
    QString expectedVoiceUrl(const QString &environment) const {
        return m_expectedVoiceUrls.value(environment);
    }

    const Row *rowAt(int row) const;
    int rowOfId(qint64 id) const;
    bool isLoading() const { return m_loading; }

    // Loads the same rows on the calling thread, for code without an event loop (the CLI, tests).
    static Result<QList<Row>> load(Database &db, const NumberFilter &filter, qint64 nowSecs);
    static void sortRows(QList<Row> &rows, Column column, Qt::SortOrder order);
    static WebhookState webhookState(const Row &row, const QString &expectedUrl);
    // Days from `today` to the next day of month `billingDay` (clamped to short months); 0 = today.
    static int daysToBillingDay(const QDate &today, int billingDay);

public slots:
    // Re-reads the pool (connect ChangeWatcher::changed here). Aggregates over call history
    // (minutes today, utilization) are re-read at most once a minute.
    void refresh();

signals:
    void loadingChanged(bool loading);
    void loadFailed(const QString &message);
    void loaded();

private:
    void apply(QList<Row> rows);
    QVariant display(const Row &row, Column column) const;
    QVariant underlying(const Row &row, Column column) const;

    struct UsageCache;
    std::unique_ptr<QueryThread> m_thread;
    std::shared_ptr<UsageCache> m_cache; // touched only on the worker thread
    Generation m_generation;
    QList<Row> m_rows;
    NumberFilter m_filter;
    Column m_sortColumn = Column::Number;
    Qt::SortOrder m_sortOrder = Qt::AscendingOrder;
    QHash<QString, QString> m_expectedVoiceUrls;
    bool m_loading = false;
};

} // namespace PoolDesk
