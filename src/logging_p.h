// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#ifndef LOGGING_P_H
#define LOGGING_P_H

#include <QtCore/qloggingcategory.h>

namespace QtPrometheusPrivate {

Q_DECLARE_LOGGING_CATEGORY(lcExporter)

} // namespace QtPrometheusPrivate

#endif // LOGGING_P_H
