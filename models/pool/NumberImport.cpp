#include "pool/NumberImport.h"

#include "pool/Companies.h"
#include "pool/Numbers.h"
#include "storage/Database.h"
#include "storage/Transaction.h"

#include <QCoreApplication>
#include <QHash>
#include <QSet>

#include <algorithm>

namespace PoolDesk {

namespace {

// Company name -> id, read once: a file of 100,000 rows names the same few companies.
Result<QHash<QString, qint64>> companyIds(Database &db) {
    auto companies = Companies(db).list();
    if (!companies)
        return companies.error();
    QHash<QString, qint64> ids;
    for (const Company &company : companies.value())
        ids.insert(company.name, company.id);
    return ids;
}

} // namespace

Status NumberImport::check(NumberCsv::ParsedImport &parsed, const QStringList &environments) {
    auto companies = companyIds(m_db);
    if (!companies)
        return companies.error();
    // The numbers already in each pool the file names, one query per environment.
    QHash<QString, QSet<QString>> present;
    for (const NumberCsv::NumberRow &row : std::as_const(parsed.rows)) {
        if (present.contains(row.environment) || !environments.contains(row.environment))
            continue;
        NumberFilter filter;
        filter.environment = row.environment;
        auto numbers = Numbers(m_db).list(filter);
        if (!numbers)
            return numbers.error();
        QSet<QString> e164s;
        e164s.reserve(numbers->size());
        for (const PoolNumber &number : numbers.value())
            e164s.insert(number.e164);
        present.insert(row.environment, e164s);
    }

    QList<NumberCsv::NumberRow> good;
    good.reserve(parsed.rows.size());
    QList<NumberCsv::RowError> found;
    for (NumberCsv::NumberRow &row : parsed.rows) {
        const auto before = found.size();
        if (!environments.contains(row.environment))
            found.append({row.line,
                          QCoreApplication::translate("NumberImport",
                                                      "There is no environment named \"%1\" (there are: %2).")
                              .arg(row.environment, environments.join(QStringLiteral(", ")))});
        else if (present.value(row.environment).contains(row.e164))
            found.append(
                {row.line, QCoreApplication::translate("NumberImport", "%1 is already in the %2 pool.")
                               .arg(row.e164, row.environment)});
        if (!row.company.isEmpty() && !companies->contains(row.company))
            found.append({row.line, QCoreApplication::translate(
                                        "NumberImport", "There is no company named \"%1\". See the list "
                                                        "with \"pooldeskctl company list\".")
                                        .arg(row.company)});
        if (found.size() == before)
            good.append(std::move(row));
    }
    parsed.rows = std::move(good); // the good rows were moved out of it above
    if (found.isEmpty())
        return success();
    // Listed in line order with the file's own errors, as many as the parser keeps.
    const int total = parsed.errorCount + int(found.size());
    QList<NumberCsv::RowError> merged = parsed.errors + found;
    std::stable_sort(
        merged.begin(), merged.end(),
        [](const NumberCsv::RowError &a, const NumberCsv::RowError &b) { return a.line < b.line; });
    if (merged.size() > NumberCsv::MaxListedErrors)
        merged.resize(NumberCsv::MaxListedErrors);
    parsed.errors = std::move(merged);
    parsed.errorCount = total;
    return success();
}

Result<int> NumberImport::commit(const Actor &actor, const QList<NumberCsv::NumberRow> &rows,
                                 const Progress &progress) {
    auto companies = companyIds(m_db);
    if (!companies)
        return companies.error();
    // Numbers::add opens its own transaction; inside this one it becomes a savepoint, so its
    // checks and audit entry stay as they are and this transaction decides whether any row lasts.
    Transaction transaction(m_db);
    if (auto begun = transaction.begin(); !begun)
        return begun.error();
    Numbers numbers(m_db);
    int added = 0;
    for (const NumberCsv::NumberRow &row : rows) {
        NewNumber input;
        input.e164 = row.e164;
        input.environment = row.environment;
        input.twilioSid = row.twilioSid;
        input.monthlyPrice = row.monthlyPrice;
        if (!row.company.isEmpty()) {
            const auto id = companies->constFind(row.company);
            if (id == companies->constEnd())
                return makeError(
                    Error::Code::NotFound,
                    QCoreApplication::translate("NumberImport", "Line %1: there is no company named \"%2\".")
                        .arg(row.line)
                        .arg(row.company),
                    QStringLiteral("unknown_company"));
            input.dedicatedTo = *id;
        }
        auto number = numbers.add(actor, input);
        if (!number) {
            Error error = number.error();
            error.message = QCoreApplication::translate("NumberImport", "Line %1: %2 Nothing was imported.")
                                .arg(row.line)
                                .arg(error.message);
            return error;
        }
        ++added;
        if (progress && (added % ProgressStep == 0 || added == int(rows.size())))
            progress(added, int(rows.size()));
    }
    if (auto committed = transaction.commit(); !committed)
        return committed.error();
    return added;
}

} // namespace PoolDesk
