// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#ifndef EXPORTERLOGGING_P_H
#define EXPORTERLOGGING_P_H

#include <QtCore/qloggingcategory.h>

Q_DECLARE_LOGGING_CATEGORY(lcExporter)

#endif // EXPORTERLOGGING_P_H
