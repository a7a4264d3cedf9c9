/**
 * Every coded error the API answers with. docs/errors.md is generated from this table and a test
 * keeps the two in step. Messages take {placeholders} filled from the error's params.
 */
export const ERRORS = {
  VALIDATION_FAILED: { status: 400, zh: '请求内容有误：{fields}', en: 'Invalid request: {fields}' },
  MALFORMED_JSON: { status: 400, zh: '请求体不是有效的 JSON', en: 'The request body is not valid JSON' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, zh: '不支持的内容类型', en: 'Unsupported content type' },
  BODY_TOO_LARGE: { status: 413, zh: '请求体过大', en: 'The request body is too large' },
  UNSUPPORTED_CONTENT_ENCODING: {
    status: 415,
    zh: '不接受压缩过的请求体（Content-Encoding），请直接发送原始内容',
    en: 'Compressed request bodies (Content-Encoding) are not accepted: send the content as is',
  },
  UPLOAD_MALFORMED: {
    status: 400,
    zh: '上传的内容不完整或格式错误（multipart），请重新上传',
    en: 'The upload is incomplete or malformed (multipart): send it again',
  },
  UPLOAD_TOO_LARGE_UNPACKED: {
    status: 413,
    zh: '上传的文件（{field}）解压后超出限制：{reason}',
    en: 'The uploaded file ({field}) is beyond the limits once unpacked: {reason}',
  },
  AUTH_REQUIRED: { status: 401, zh: '请先登录', en: 'Please sign in' },
  INVALID_CREDENTIALS: {
    status: 401,
    zh: '用户名或密码错误',
    en: 'Wrong username or password',
  },
  ACCOUNT_LOCKED: {
    status: 423,
    zh: '登录失败次数过多，请 {minutes} 分钟后再试',
    en: 'Too many failed sign-ins; try again in {minutes} minutes',
  },
  LOGIN_SLOWED: {
    status: 429,
    zh: '此地址登录失败过多，请 {seconds} 秒后再试',
    en: 'Too many failed sign-ins from this address; try again in {seconds} s',
  },
  MFA_REQUIRED: { status: 403, zh: '请输入动态验证码', en: 'Enter your one-time code' },
  INVALID_TOTP: { status: 400, zh: '动态验证码错误', en: 'Wrong one-time code' },
  TOTP_NOT_SET_UP: { status: 409, zh: '尚未设置动态验证码', en: 'Two-factor sign-in is not set up' },
  PASSWORD_CHANGE_REQUIRED: {
    status: 403,
    zh: '请先修改密码',
    en: 'You must change your password first',
  },
  PASSWORD_POLICY: {
    status: 400,
    zh: '新密码不符合密码策略',
    en: 'The new password does not meet the policy',
  },
  WRONG_PASSWORD: { status: 400, zh: '当前密码错误', en: 'The current password is wrong' },
  CSRF_FAILED: {
    status: 403,
    zh: '请求来源校验失败，请刷新页面后重试',
    en: 'Request check failed; reload the page',
  },
  FORBIDDEN: { status: 403, zh: '没有权限执行此操作', en: 'You are not allowed to do this' },
  NOT_FOUND: { status: 404, zh: '记录不存在或无权访问', en: 'Not found' },
  ROUTE_NOT_FOUND: { status: 404, zh: '接口不存在', en: 'No such endpoint' },
  METHOD_NOT_ALLOWED: { status: 405, zh: '不支持的请求方法', en: 'Method not allowed' },
  PRECONDITION_REQUIRED: {
    status: 428,
    zh: '修改时须携带 If-Match 版本号',
    en: 'An If-Match header with the record version is required',
  },
  STALE_VERSION: {
    status: 412,
    zh: '记录已被他人修改，请刷新后重试',
    en: 'The record was changed by someone else; reload and retry',
  },
  CONFLICT: { status: 409, zh: '操作冲突：{reason}', en: 'Conflict: {reason}' },
  DUPLICATE: { status: 409, zh: '{field} 已存在', en: '{field} already exists' },
  AREA_BAD_PARENT: {
    status: 400,
    zh: '{kind}不能放在{parentKind}之下',
    en: 'A {kind} cannot be placed under a {parentKind}',
  },
  AREA_CYCLE: {
    status: 400,
    zh: '不能把节点移到它自己的下级',
    en: 'A node cannot move under its own descendant',
  },
  AREA_BAD_CODE: { status: 400, zh: '编码不符合规则：{reason}', en: 'Invalid code: {reason}' },
  AREA_HAS_CHILDREN: {
    status: 409,
    zh: '该节点有下级节点，不能删除，可以归档',
    en: 'This node has children: it cannot be deleted, archive it instead',
  },
  AREA_IN_USE: {
    status: 409,
    zh: '该节点仍被引用（{what}），不能删除，可以归档',
    en: 'This node is still referenced ({what}): archive it instead',
  },
  AREA_ARCHIVED: { status: 409, zh: '该节点已归档', en: 'This node is archived' },
  AREA_BAD_STAFF_ROLE: {
    status: 400,
    zh: '该类节点不能指派此角色',
    en: 'This role cannot be assigned to this kind of node',
  },
  ADMIN_ROLES_EXCLUSIVE: {
    status: 409,
    zh: '三权分立：{zh}不能由同一账户兼任（系统、安全、审计职责互斥）',
    en: 'Separation of duties: no account may hold {en} together',
  },
  ROLE_DUTIES: { status: 400, zh: '自定义角色不能{zh}', en: 'A custom role cannot {en}' },
  ROLE_WIDEN_IN_USE: {
    status: 409,
    zh: '角色已分配，不能再加入需审批的权限：{permission}',
    en: 'The role is assigned: it cannot gain rights that need approval ({permission})',
  },
  GRANT_APPROVER_SAME: {
    status: 403,
    zh: '授权须由申请人和被授权人以外的另一人审批',
    en: 'A grant must be approved by someone other than its requester and grantee',
  },
  ROLE_BUILTIN: {
    status: 409,
    zh: '内置角色不能修改或删除',
    en: 'Built-in roles cannot be changed or deleted',
  },
  ROLE_IN_USE: {
    status: 409,
    zh: '角色仍有账户在用，不能删除',
    en: 'The role is still assigned: it cannot be deleted',
  },
  UNKNOWN_PERMISSION: { status: 400, zh: '未知权限：{permission}', en: 'Unknown permission: {permission}' },
  CANNOT_DISABLE_SELF: { status: 409, zh: '不能停用自己的账户', en: 'You cannot disable your own account' },
  IMPORT_BAD_FILE: {
    status: 400,
    zh: '无法读取上传的文件：{reason}',
    en: 'The uploaded file cannot be read: {reason}',
  },
  IMPORT_NOT_READY: {
    status: 409,
    zh: '该导入任务当前状态为“{status}”，不能执行此操作',
    en: 'The import is {status}: this cannot be done now',
  },
  IMPORT_ERRORS_EXPIRED: {
    status: 410,
    zh: '失败行文件只在导入完成后 {hours} 小时内可以下载，请用原台账核对',
    en: 'The failed rows can be downloaded for {hours} hours after the import only: check them in the original ledger',
  },
  CASE_CONFLICT: {
    status: 409,
    zh: '该件已被他人处理，当前状态为“{state}”，请刷新后再试',
    en: 'Someone else acted on this case first; it is now "{state}". Reload and retry',
  },
  CASE_RULE: { status: 409, zh: '{zh}', en: '{en}' },
  CASE_NO_AREA: {
    status: 400,
    zh: '所选位置不在您可上报的网格内，请选择所属区域',
    en: 'The location is not in a grid you may report in; choose the area',
  },
  IDEMPOTENCY_MISMATCH: {
    status: 422,
    zh: '同一个 Idempotency-Key 已用于不同的请求内容',
    en: 'This Idempotency-Key was already used with a different request body',
  },
  ATTACHMENT_BAD_FILE: {
    status: 400,
    zh: '附件无效：{reason}',
    en: 'Invalid attachment: {reason}',
  },
  PUBLICATION_TOO_EARLY: {
    status: 409,
    zh: '未满最短公示期（公示至 {until}），不能撤下；如必须撤下，须重新公示',
    en: 'The minimum display runs until {until}: it cannot be taken down before; taken down, it must be published again',
  },
  PUBLICATION_STATE: {
    status: 409,
    zh: '该公开事项当前为“{status}”，不能{action}',
    en: 'This publication is "{status}": it cannot be {action}',
  },
  PUBLICATION_CONFLICT: {
    status: 409,
    zh: '该公开事项已被他人修改，请刷新后再试',
    en: 'Someone else changed this publication first; reload and retry',
  },
  OBJECTION_WINDOW_CLOSED: {
    status: 409,
    zh: '异议期已过（至 {until}），不能再提出异议',
    en: 'The objection window ended on {until}: objections are no longer taken',
  },
  ACTIVITY_RULE: { status: 409, zh: '{zh}', en: '{en}' },
  PARTY_RULE: { status: 409, zh: '{zh}', en: '{en}' },
  QR_INVALID: {
    status: 400,
    zh: '签到码无效，请扫描活动现场显示的二维码',
    en: 'This check-in code is not valid: scan the code shown at the activity',
  },
  QR_EXPIRED: {
    status: 410,
    zh: '签到码已过期，请重新扫描现场最新的二维码',
    en: 'This check-in code has expired: scan the current code shown at the activity',
  },
  VOLUNTEER_REQUIRED: {
    status: 409,
    zh: '请先注册为志愿者并通过社区审核',
    en: 'Register as a volunteer and be verified by the community first',
  },
  BOOKING_OVERLAP: {
    status: 409,
    zh: '该场地在 {from}–{to} 已有预约，请换一个时间或场地',
    en: 'The room is already booked {from}–{to}: choose another time or room',
  },
  VENUE_RULE: { status: 409, zh: '{zh}', en: '{en}' },
  TIMEBANK_RULE: { status: 409, zh: '{zh}', en: '{en}' },
  RATE_LIMITED: { status: 429, zh: '请求过于频繁，请稍后再试', en: 'Too many requests; slow down' },
  DB_UNAVAILABLE: {
    status: 503,
    zh: '数据库暂时不可用，请稍后再试',
    en: 'The database is unavailable; try again shortly',
  },
  RESIDENT_BAD_CODE: {
    status: 400,
    zh: '验证码错误或已过期，请重新获取',
    en: 'The code is wrong or has expired: ask for a new one',
  },
  RESIDENT_NO_MATCH: {
    status: 422,
    zh: '未能核验您的身份。请核对姓名和身份证号，或携带身份证到社区窗口办理',
    en: 'We could not verify you. Check your name and ID number, or bring your ID card to the community office',
  },
  RESIDENT_ALREADY_VERIFIED: { status: 409, zh: '该账户已核验', en: 'This account is verified already' },
  RESIDENT_PERSON_BOUND: {
    status: 409,
    zh: '此人已有核验过的账户；如手机丢失，请办理换绑',
    en: 'This person has a verified account already; for a lost phone, re-bind it',
  },
  RESIDENT_PHONE_TAKEN: {
    status: 409,
    zh: '该号码已有居民账户，不能换绑到本账户；如有疑问请到社区窗口办理',
    en: 'That number has a resident account already and cannot be moved to this one; ask at the community office',
  },
  INTERNAL: {
    status: 500,
    zh: '服务器内部错误（请求号 {requestId}）',
    en: 'Internal error (request {requestId})',
  },
} as const satisfies Record<string, { status: number; zh: string; en: string }>;

export type ErrorCode = keyof typeof ERRORS;
