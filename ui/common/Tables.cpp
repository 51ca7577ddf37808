#include "common/Tables.h"

#include "common/Theme.h"
#include "itemmodels/ItemRoles.h"

#include <QAction>
#include <QApplication>
#include <QHeaderView>
#include <QMenu>
#include <QPainter>
#include <QSettings>
#include <QTableView>

namespace PoolDesk::Ui {

namespace Tables {

static const char *KeyProperty = "pooldeskSettingsKey";
static const char *RestoredProperty = "pooldeskLayoutRestored";
static const char *FittedProperty = "pooldeskColumnsFitted";

void configure(QTableView *view, const QString &settingsKey) {
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setAlternatingRowColors(true);
    view->setSortingEnabled(true);
    view->setWordWrap(false);
    view->setTextElideMode(Qt::ElideRight);
    view->setHorizontalScrollMode(QAbstractItemView::ScrollPerPixel);
    view->setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    view->verticalHeader()->hide();
    view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 10);
    view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    QHeaderView *header = view->horizontalHeader();
    header->setHighlightSections(false);
    header->setSectionsMovable(true);
    header->setStretchLastSection(true);
    header->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    header->setContextMenuPolicy(Qt::CustomContextMenu);
    view->setProperty(KeyProperty, settingsKey);

    QObject::connect(
        header, &QHeaderView::customContextMenuRequested, view, [view, header](const QPoint &pos) {
            QMenu menu(view);
            auto *model = view->model();
            if (!model)
                return;
            for (int section = 0; section < model->columnCount(); ++section) {
                QAction *action = menu.addAction(model->headerData(section, Qt::Horizontal).toString());
                action->setCheckable(true);
                action->setChecked(!header->isSectionHidden(section));
                QObject::connect(action, &QAction::toggled, view,
                                 [header, section](bool on) { header->setSectionHidden(section, !on); });
            }
            menu.addSeparator();
            QAction *fit = menu.addAction(QCoreApplication::translate("Tables", "Fit Columns to Contents"));
            QObject::connect(fit, &QAction::triggered, view, [view] { view->resizeColumnsToContents(); });
            menu.exec(header->mapToGlobal(pos));
        });
    auto save = [view, header] {
        // Only the user's own layout is kept: nothing before the columns were first fitted.
        const QString key = view->property(KeyProperty).toString();
        if (!key.isEmpty() && view->property(FittedProperty).toBool())
            QSettings().setValue(QStringLiteral("tables/%1").arg(key), header->saveState());
    };
    QObject::connect(header, &QHeaderView::sectionResized, view, save);
    QObject::connect(header, &QHeaderView::sectionMoved, view, save);
    QObject::connect(header, &QHeaderView::sortIndicatorChanged, view, save);
}

void fitColumnsOnce(QTableView *view) {
    if (view->property(FittedProperty).toBool())
        return;
    const QString key = view->property(KeyProperty).toString();
    const QByteArray state = QSettings().value(QStringLiteral("tables/%1").arg(key)).toByteArray();
    if (!state.isEmpty() && view->horizontalHeader()->restoreState(state)) {
        view->setProperty(FittedProperty, true);
        view->setProperty(RestoredProperty, true);
        return;
    }
    // Widths come from the contents: an empty table (a first start, before the demo) waits for its
    // first rows rather than fixing widths that would cut numbers and names.
    if (!view->model() || view->model()->rowCount() == 0)
        return;
    view->setProperty(FittedProperty, true);
    view->resizeColumnsToContents();
    // Keep very wide text columns reasonable; the user can widen them.
    const int cap = view->fontMetrics().horizontalAdvance(QLatin1Char('M')) * 24;
    for (int c = 0; c < view->horizontalHeader()->count(); ++c)
        if (view->columnWidth(c) > cap)
            view->setColumnWidth(c, cap);
}

} // namespace Tables

static Theme::Tone toneForText(const QString &value) {
    if (value == QLatin1String("available") || value == QLatin1String("ok") ||
        value == QLatin1String("matches"))
        return Theme::Tone::Positive;
    if (value == QLatin1String("reserved") || value == QLatin1String("warning"))
        return Theme::Tone::Warning;
    if (value == QLatin1String("in_use"))
        return Theme::Tone::Busy;
    if (value == QLatin1String("error") || value == QLatin1String("missing"))
        return Theme::Tone::Negative;
    return Theme::Tone::Neutral;
}

void StatusDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                           const QModelIndex &index) const {
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    const QString text = opt.text;
    opt.text.clear();
    opt.backgroundBrush = Qt::NoBrush;
    const QWidget *widget = option.widget;
    QStyle *style = widget ? widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget);
    if (text.isEmpty())
        return;
    const Theme::Tone tone = toneForText(index.data(UnderlyingDataRole).toString());
    const QPalette &pal = option.palette;
    const QFontMetrics fm(option.font);
    const int pad = fm.height() / 2;
    const int dot = std::max(6, fm.height() / 3);
    QRect pill(option.rect.left() + 4, option.rect.top() + 3, dot + pad * 2 + fm.horizontalAdvance(text) + 4,
               option.rect.height() - 6);
    pill = pill.intersected(option.rect.adjusted(2, 0, -2, 0));
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setPen(Qt::NoPen);
    painter->setBrush(Theme::tint(tone, pal));
    painter->drawRoundedRect(pill, pill.height() / 2.0, pill.height() / 2.0);
    painter->setBrush(Theme::accent(tone, pal));
    painter->drawEllipse(QRect(pill.left() + pad, pill.center().y() - dot / 2, dot, dot));
    painter->setPen(pal.color(QPalette::Text)); // the pill keeps its own background when selected
    const QRect textRect = pill.adjusted(pad + dot + 4, 0, -pad / 2, 0);
    painter->drawText(textRect, Qt::AlignVCenter | Qt::AlignLeft,
                      fm.elidedText(text, Qt::ElideRight, textRect.width()));
    painter->restore();
}

QSize StatusDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const {
    QSize size = QStyledItemDelegate::sizeHint(option, index);
    const QFontMetrics fm(option.font);
    size.setWidth(size.width() + fm.height() + 16);
    return size;
}

} // namespace PoolDesk::Ui
