/**
 * The policy formats as pickers show them: plain data with no imports, so the
 * editor's extension host can list them without loading the formats.
 */
export const POLICY_FORMAT_CATALOG = [
  { name: 'iam', label: 'IAM policy documents, within the IAM size limits', fileSuffix: '.iam.json' },
  { name: 'cloudformation', label: 'CloudFormation template (AWS::IAM::ManagedPolicy)', fileSuffix: '.policy.cfn.json' },
  { name: 'terraform', label: 'Terraform (.tf.json)', fileSuffix: '.policy.tf.json' },
  { name: 'terraform-hcl', label: 'Terraform (HCL)', fileSuffix: '.policy.tf' },
  { name: 'k8s-rbac', label: 'Kubernetes RBAC (Roles and bindings, YAML)', fileSuffix: '.rbac.yaml' },
] as const;

export type PolicyFormatName = (typeof POLICY_FORMAT_CATALOG)[number]['name'];
