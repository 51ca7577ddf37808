#pragma once

class QComboBox;

namespace PoolDesk {
class Database;
}

namespace PoolDesk::Ui::CompanyFilter {

// Fills a view's company filter: "All companies" (no data) then every company (its id), keeping
// the current choice when that company still exists. Emits no change signal.
void reload(QComboBox *combo, Database &db);
// After a language switch: "All companies" in the new language.
void retranslate(QComboBox *combo);

} // namespace PoolDesk::Ui::CompanyFilter
