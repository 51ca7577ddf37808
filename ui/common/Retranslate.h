#pragma once

#include <QString>

#include <functional>

class QFormLayout;
class QComboBox;
class QLabel;
class QWidget;

namespace PoolDesk::Ui {

// Live language switching. When Settings installs another catalogue, the application sends
// QEvent::LanguageChange to every window, and each widget passes it to its children. A text set
// through retranslate() is set now and again on each such event reaching `owner`:
//
//   retranslate(this, [this] { m_count->setToolTip(tr("Numbers shown")); });
//
// Texts that carry data (counts, names) are rebuilt by the view's own refresh instead; texts
// that the item models translate follow through ItemModels::announceRetranslation().
void retranslate(QWidget *owner, std::function<void()> apply);
// The same without the first call: for what is already right (models, texts set by a refresh).
void onLanguageChange(QWidget *owner, std::function<void()> apply);

// A form row whose label follows the language (QFormLayout::addRow(QString, ...) would not).
// Sets the texts of a combo box's items, from `first` on, in order (within a retranslate()); the
// box then sizes itself to its texts in whatever language.
void setItemTexts(QComboBox *combo, int first, const QStringList &texts);

QLabel *addFormRow(QFormLayout *form, QWidget *owner, std::function<QString()> label, QWidget *field);

} // namespace PoolDesk::Ui
