#pragma once

#include <QString>
#include <QStyledItemDelegate>

class QTableView;

namespace PoolDesk::Ui {

namespace Tables {
// The console's table conventions: whole-row selection, alternating rows, sortable header,
// compact rows that scale with the font, header context menu to show or hide columns, and the
// column layout remembered per table (settingsKey) in the user's settings.
void configure(QTableView *view, const QString &settingsKey);
// Sizes the columns to their contents once (the first time rows arrive), unless the user's layout
// was restored.
void fitColumnsOnce(QTableView *view);
} // namespace Tables

// Paints a status value (the model's UnderlyingDataRole: "available", "reserved", "in_use", or
// any text with a tone in Theme) as a coloured pill derived from the palette.
class StatusDelegate final : public QStyledItemDelegate {
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;
};

} // namespace PoolDesk::Ui
