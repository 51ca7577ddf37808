# The packages: DEB on Linux (scripts/package.sh), WiX and ZIP on Windows, a DragNDrop disk image on
# macOS (packaging/README.md gives the steps on those systems).
set(CPACK_PACKAGE_NAME pooldesk)
set(CPACK_PACKAGE_VENDOR "The PoolDesk developers")
set(CPACK_PACKAGE_CONTACT "The PoolDesk developers <maintainers@pooldesk.invalid>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_HOMEPAGE_URL ${POOLDESK_HOMEPAGE})
# Debian takes each package's summary from the first line of its description below.
if(WIN32 OR APPLE)
  set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Phone number pool console for Twilio call centres")
endif()
set(CPACK_PACKAGE_INSTALL_DIRECTORY PoolDesk)
# WiX takes a licence only as .txt or .rtf.
configure_file(${CMAKE_SOURCE_DIR}/LICENSE ${CMAKE_CURRENT_BINARY_DIR}/generated/LICENSE.txt COPYONLY)
set(CPACK_RESOURCE_FILE_LICENSE ${CMAKE_CURRENT_BINARY_DIR}/generated/LICENSE.txt)
set(CPACK_STRIP_FILES ON)
set(CPACK_COMPONENTS_ALL console service)
set(CPACK_COMPONENT_CONSOLE_DISPLAY_NAME "PoolDesk console and pooldeskctl")
set(CPACK_COMPONENT_SERVICE_DISPLAY_NAME "PoolDesk pool service")

# Debian. The long descriptions follow the first line, as in debian/control.
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_SOURCE pooldesk)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
set(CPACK_DEBIAN_CONSOLE_PACKAGE_NAME pooldesk)
set(CPACK_DEBIAN_SERVICE_PACKAGE_NAME pooldesk-service)
# What dpkg-shlibdeps cannot see: Qt's plugins for SQLite and SVG icons (PACKAGING.md).
set(CPACK_DEBIAN_CONSOLE_PACKAGE_DEPENDS "libqt6sql6-sqlite, libqt6svg6")
set(CPACK_DEBIAN_CONSOLE_PACKAGE_RECOMMENDS
    "libqt6sql6-psql, qt6-translations-l10n, gnome-keyring | kwalletmanager, fonts-noto-cjk | fonts-ipafont-gothic, gstreamer1.0-plugins-good")
set(CPACK_DEBIAN_SERVICE_PACKAGE_DEPENDS "libqt6sql6-sqlite")
set(CPACK_DEBIAN_SERVICE_PACKAGE_RECOMMENDS "libqt6sql6-psql")
set(CPACK_DEBIAN_SERVICE_PACKAGE_SUGGESTS "pooldesk")
set(CPACK_DEBIAN_SERVICE_PACKAGE_SECTION net)
set(CPACK_DEBIAN_CONSOLE_DESCRIPTION
    "phone number pool console for Twilio call centres
PoolDesk keeps a pool of Twilio phone numbers for companies that place
calls for many client companies. Numbers are dedicated to a company,
shared, or both; each call gets a number, and gives it back when it ends.
.
This package holds the console (pooldesk), where administrators manage
the pool, finance staff close months and send cost reports, and client
companies' managers see their own company, and pooldeskctl, the same
operations on the command line.")
set(CPACK_DEBIAN_SERVICE_DESCRIPTION
    "PoolDesk pool service for call backends
The pool service hands phone numbers from the PoolDesk pool to call
backends over HTTP, one per call, and releases them when Twilio reports
that the call ended.
.
This package holds the service and its hardened systemd unit, which
starts once /etc/pooldesk/service.env and the Twilio auth token are in
place (see pooldesk-service(8)).")
# dpkg knows maintainer scripts by their bare names.
foreach(script postinst prerm postrm)
  configure_file(${CMAKE_CURRENT_LIST_DIR}/debian/pooldesk-service.${script}
                 ${CMAKE_CURRENT_BINARY_DIR}/generated/service-scripts/${script} COPYONLY)
  list(APPEND CPACK_DEBIAN_SERVICE_PACKAGE_CONTROL_EXTRA ${CMAKE_CURRENT_BINARY_DIR}/generated/service-scripts/${script})
endforeach()

# Windows: an MSI that upgrades in place (the upgrade GUID never changes) and a ZIP.
set(CPACK_WIX_UPGRADE_GUID "6F1B7C0E-2D4A-4E8B-9A31-5C2E7D90B4A6")
set(CPACK_WIX_PRODUCT_ICON ${CMAKE_CURRENT_LIST_DIR}/windows/pooldesk.ico)
set(CPACK_WIX_PROGRAM_MENU_FOLDER PoolDesk)
set(CPACK_PACKAGE_EXECUTABLES pooldesk PoolDesk)
# macOS: the app bundle on a disk image.
set(CPACK_DMG_VOLUME_NAME PoolDesk)

if(WIN32)
  set(CPACK_GENERATOR "WIX;ZIP")
elseif(APPLE)
  set(CPACK_GENERATOR DragNDrop)
else()
  set(CPACK_GENERATOR DEB)
endif()
include(CPack)
